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
 * Every finding of a parsed diagram (the moddle root `bpmn:Definitions`). A rule that throws
 * reports a 'rule-error', counted as an error: the check fails closed.
 */
export async function lintDefinitions(root: any, ctx: DanganLintContext): Promise<{ errors: Finding[]; warnings: Finding[] }> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const processes = (root?.rootElements ?? []).filter((e: any) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p: any) => p.isExecutable);
  if (executable.length !== 1) {
    errors.push({ rule: 'single-executable-process', message: '须有且仅有一个可执行流程 / Exactly one executable process is required', category: 'error' });
  }
  const linter = new Linter({ config: lintConfig(ctx), resolver: staticResolver });
  const reports: Record<string, Array<{ id?: string; message: string; category: string }>> = await linter.lint(root);
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      const finding: Finding = { rule, elementId: r.id, message: r.message, category: r.category === 'warn' ? 'warn' : 'error' };
      (finding.category === 'error' ? errors : warnings).push(finding);
    }
  }
  return { errors, warnings };
}
