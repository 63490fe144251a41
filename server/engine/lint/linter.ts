// The deploy-time lint, pure: bpmnlint's Linter with a static resolver that serves bpmnlint's
// recommended rules and Dangan's own, imported here by name. No Node APIs and no module lookup at
// run time, so the very same code lints on the server (deploying) and in the browser (the
// modeler's live check): what the modeler shows is exactly what a deployment would refuse.
import Linter from 'bpmnlint/lib/linter.js';
import recommended from 'bpmnlint/config/recommended.js';
import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process.js';
import conditionalFlows from 'bpmnlint/rules/conditional-flows.js';
import endEventRequired from 'bpmnlint/rules/end-event-required.js';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway.js';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event.js';
import fakeJoin from 'bpmnlint/rules/fake-join.js';
import global from 'bpmnlint/rules/global.js';
import labelRequired from 'bpmnlint/rules/label-required.js';
import linkEvent from 'bpmnlint/rules/link-event.js';
import noBpmndi from 'bpmnlint/rules/no-bpmndi.js';
import noComplexGateway from 'bpmnlint/rules/no-complex-gateway.js';
import noDisconnected from 'bpmnlint/rules/no-disconnected.js';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows.js';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork.js';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split.js';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end.js';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start.js';
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway.js';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements.js';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event.js';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition.js';
import startEventRequired from 'bpmnlint/rules/start-event-required.js';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event.js';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway.js';
import superfluousLabel from 'bpmnlint/rules/superfluous-label.js';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination.js';
import { danganRules, lintConfig, type DanganLintContext } from './rules.ts';

export interface Finding {
  rule: string;
  elementId?: string;
  message: string;
  category: 'error' | 'warn';
}

/** bpmnlint's recommended set, by name (the keys of its config/recommended.js). */
export const BPMNLINT_RULES: Record<string, unknown> = {
  'ad-hoc-sub-process': adHocSubProcess,
  'conditional-flows': conditionalFlows,
  'end-event-required': endEventRequired,
  'event-based-gateway': eventBasedGateway,
  'event-sub-process-typed-start-event': eventSubProcessTypedStartEvent,
  'fake-join': fakeJoin,
  global,
  'label-required': labelRequired,
  'link-event': linkEvent,
  'no-bpmndi': noBpmndi,
  'no-complex-gateway': noComplexGateway,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'no-gateway-join-fork': noGatewayJoinFork,
  'no-implicit-split': noImplicitSplit,
  'no-implicit-end': noImplicitEnd,
  'no-implicit-start': noImplicitStart,
  'no-inclusive-gateway': noInclusiveGateway,
  'no-overlapping-elements': noOverlappingElements,
  'single-blank-start-event': singleBlankStartEvent,
  'single-event-definition': singleEventDefinition,
  'start-event-required': startEventRequired,
  'sub-process-blank-start-event': subProcessBlankStartEvent,
  'superfluous-gateway': superfluousGateway,
  'superfluous-label': superfluousLabel,
  'superfluous-termination': superfluousTermination,
};

export const recommendedConfig = recommended as { rules: Record<string, unknown> };

/** Serves the rules above; anything else is unknown, which the Linter reports as a failure. */
export const staticResolver = {
  resolveRule(pkg: string, ruleName: string) {
    if (pkg === 'dangan' || pkg === 'bpmnlint-plugin-dangan') return danganRules[ruleName];
    if (pkg === 'bpmnlint') return BPMNLINT_RULES[ruleName];
    return undefined;
  },
  resolveConfig(pkg: string, configName: string) {
    if (pkg === 'bpmnlint' && configName === 'recommended') return recommended;
    throw new Error(`unknown lint config ${pkg}:${configName}`);
  },
};

/**
 * bpmnlint's own rules report in English by rule name; Dangan's API and the modeler say
 * "中文 / English". ONE table: the server's answers and the browser's check both word a bpmnlint
 * finding through `bpmnlintMessage`.
 */
export const BPMNLINT_NAMES: Record<string, { zh: string; en: string }> = {
  'ad-hoc-sub-process': { zh: '即席子流程的用法不正确', en: 'Ad-hoc sub-process used wrongly' },
  'conditional-flows': { zh: '条件流缺少条件', en: 'A conditional flow has no condition' },
  'end-event-required': { zh: '缺少结束事件', en: 'An end event is missing' },
  'event-based-gateway': { zh: '事件网关的后续须为捕获事件', en: 'An event-based gateway must lead to catch events' },
  'event-sub-process-typed-start-event': { zh: '事件子流程的开始事件须有类型', en: 'An event sub-process needs a typed start event' },
  'fake-join': { zh: '一个环节有多条流入：请用网关汇聚', en: 'A step with several incoming flows: join them with a gateway' },
  global: { zh: '全局元素定义不正确', en: 'A global element is defined wrongly' },
  'label-required': { zh: '元素缺少名称', en: 'The element has no name' },
  'link-event': { zh: '链接事件不匹配', en: 'Link events do not match' },
  'no-bpmndi': { zh: '元素缺少图形（请在图上绘制）', en: 'The element has no shape in the diagram' },
  'no-complex-gateway': { zh: '不支持复杂网关', en: 'Complex gateways are not supported' },
  'no-disconnected': { zh: '元素没有连线', en: 'The element is not connected' },
  'no-duplicate-sequence-flows': { zh: '重复的顺序流', en: 'Duplicate sequence flows' },
  'no-gateway-join-fork': { zh: '网关不能同时汇聚和分支', en: 'A gateway may not both join and fork' },
  'no-implicit-split': { zh: '一个环节有多条流出：请用网关分支', en: 'A step with several outgoing flows: split with a gateway' },
  'no-implicit-end': { zh: '流程未以结束事件结束', en: 'The process does not end with an end event' },
  'no-implicit-start': { zh: '流程未从开始事件开始', en: 'The process does not begin with a start event' },
  'no-inclusive-gateway': { zh: '不建议使用包容网关', en: 'Inclusive gateways are discouraged' },
  'no-overlapping-elements': { zh: '元素相互重叠', en: 'Elements overlap' },
  'single-blank-start-event': { zh: '只能有一个普通开始事件', en: 'Only one plain start event is allowed' },
  'single-event-definition': { zh: '事件只能有一个定义', en: 'An event may have one definition only' },
  'start-event-required': { zh: '缺少开始事件', en: 'A start event is missing' },
  'sub-process-blank-start-event': { zh: '子流程须以普通开始事件开始', en: 'A sub-process starts with a plain start event' },
  'superfluous-gateway': { zh: '多余的网关', en: 'Superfluous gateway' },
  'superfluous-label': { zh: '多余的标签', en: 'Superfluous label' },
  'superfluous-termination': { zh: '多余的终止事件', en: 'Superfluous terminate event' },
};

/** A bpmnlint rule's English message as "中文 / English (bpmnlint's words)"; other rules' messages unchanged. */
export function bpmnlintMessage(rule: string, message: string): string {
  const name = BPMNLINT_NAMES[rule.replace(/^bpmnlint\//, '')];
  if (!name || message.includes(' / ')) return message;
  return `${name.zh} / ${name.en} (${message})`;
}

/** A parser warning as "中文 / English", one line: the XML parser's words stay, after the plain ones. */
export function parseMessage(raw: string): string {
  const text = raw.replace(/\s+/g, ' ').trim();
  const at = /line: (\d+) column: (\d+)/.exec(text);
  const where = at ? { zh: `（第 ${at[1]} 行第 ${at[2]} 列）`, en: ` (line ${at[1]}, column ${at[2]})` } : { zh: '', en: '' };
  let m: RegExpExecArray | null;
  let zh = 'XML 格式有误';
  if ((m = /^unknown attribute <([^>]*)>/.exec(text))) zh = `不认识的属性“${m[1]}”`;
  else if ((m = /^unresolved reference <([^>]*)>/.exec(text))) zh = `引用了不存在的元素“${m[1]}”`;
  else if (/^unparsable content/.test(text)) zh = /DOCTYPE|ENTITY|<!/i.test(text) ? '不允许 DOCTYPE 或实体声明' : '有无法识别的内容';
  else if (/^unknown type </.test(text)) zh = '有未知的元素类型';
  else if (/^illegal first char|^unexpected end|^missing/.test(text)) zh = 'XML 不完整或格式有误';
  return `无法解析 BPMN：${zh}${where.zh} / Cannot parse the BPMN${where.en}: ${text}`;
}

/** The process name a deployment shows everywhere (发起申请, 流程管理): required, at most this long. */
export const MAX_PROCESS_NAME = 100;

/**
 * Every finding of a parsed diagram (the moddle root `bpmn:Definitions`). A rule that throws
 * reports a 'rule-error', counted as an error: the check fails closed.
 */
export async function lintDefinitions(root: any, ctx: DanganLintContext): Promise<{ errors: Finding[]; warnings: Finding[] }> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const processes = (root?.rootElements ?? []).filter((e: any) => e.$type === 'bpmn:Process');
  if (!processes.length) {
    // bpmnlint's rules assume a process and would only report their own crash.
    const f: Finding = { rule: 'single-executable-process', message: '图中没有流程（bpmn:process） / The diagram has no process (bpmn:process)', category: 'error' };
    return { errors: [f], warnings };
  }
  const executable = processes.filter((p: any) => p.isExecutable);
  if (executable.length !== 1) {
    errors.push({ rule: 'single-executable-process', message: '须有且仅有一个可执行流程 / Exactly one executable process is required', category: 'error' });
  }
  for (const p of executable) {
    const name = typeof p.name === 'string' ? p.name.trim() : '';
    if (!name) errors.push({ rule: 'process-name', elementId: p.id, message: '流程须有名称（发起申请和流程管理中显示） / The process needs a name (shown on 发起申请 and in 流程管理)', category: 'error' });
    else if ([...name].length > MAX_PROCESS_NAME) {
      errors.push({ rule: 'process-name', elementId: p.id, message: `流程名称不得超过 ${MAX_PROCESS_NAME} 字 / The process name may not exceed ${MAX_PROCESS_NAME} characters`, category: 'error' });
    }
  }
  const linter = new Linter({ config: lintConfig(ctx), resolver: staticResolver });
  const reports: Record<string, Array<{ id?: string; message: string; category: string }>> = await linter.lint(root);
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      const message = r.category === 'rule-error' ? `检查规则 ${rule} 出错，无法确认流程图可用 / The check ${rule} failed, so the diagram cannot be confirmed: ${r.message}` : bpmnlintMessage(rule, r.message);
      const finding: Finding = { rule, elementId: r.id, message, category: r.category === 'warn' ? 'warn' : 'error' };
      (finding.category === 'error' ? errors : warnings).push(finding);
    }
  }
  return { errors, warnings };
}
