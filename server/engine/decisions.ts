// Decision tables (DMN 1.3, decision tables only) for routing rules that administrators change
// without a programmer: processes/decisions/*.dmn, parsed with dmn-moddle, evaluated with FEEL
// (input entries are FEEL unary tests, output entries FEEL expressions). A business rule task calls
// one with camunda:decisionRef and stores the result under camunda:resultVariable.
import fs from 'node:fs';
import path from 'node:path';
import { DmnModdle } from 'dmn-moddle';
import { unaryTest } from '@bpmn-io/feelin';
import { evalFeel, ExpressionError } from './expressions.ts';

export interface DecisionTable {
  id: string;
  name: string;
  hitPolicy: 'FIRST' | 'UNIQUE';
  inputs: Array<{ label: string; expression: string }>;
  outputs: Array<{ name: string; label: string }>;
  rules: Array<{ id: string; description?: string; inputEntries: string[]; outputEntries: string[] }>;
}

export class DecisionError extends ExpressionError {}

async function parseDmn(xml: string): Promise<DecisionTable[]> {
  const { rootElement, warnings } = await new DmnModdle().fromXML(xml, 'dmn:Definitions');
  if (warnings?.length) throw new DecisionError(`DMN: ${warnings.map((w: any) => w.message).join('; ')}`);
  const out: DecisionTable[] = [];
  for (const d of rootElement.drgElement ?? []) {
    const t = d.decisionLogic;
    if (!t || t.$type !== 'dmn:DecisionTable') continue;
    const hit = String(t.hitPolicy ?? 'UNIQUE');
    if (hit !== 'FIRST' && hit !== 'UNIQUE') throw new DecisionError(`${d.id}: hit policy ${hit} is not supported (FIRST, UNIQUE)`);
    out.push({
      id: d.id,
      name: d.name ?? d.id,
      hitPolicy: hit,
      inputs: (t.input ?? []).map((i: any) => ({ label: i.label ?? '', expression: String(i.inputExpression?.text ?? '') })),
      outputs: (t.output ?? []).map((o: any) => ({ name: o.name, label: o.label ?? o.name })),
      rules: (t.rule ?? []).map((r: any) => ({
        id: r.id,
        description: r.description,
        inputEntries: (r.inputEntry ?? []).map((e: any) => String(e.text ?? '').trim()),
        outputEntries: (r.outputEntry ?? []).map((e: any) => String(e.text ?? '').trim()),
      })),
    });
  }
  return out;
}

function matches(entry: string, value: unknown, context: Record<string, unknown>): boolean {
  if (entry === '' || entry === '-') return true;
  const r = unaryTest(entry, { ...context, '?': value }) as { value: boolean | null; warnings?: Array<{ message: string }> };
  if (r.warnings?.length) throw new DecisionError(`unary test "${entry}": ${r.warnings.map((w) => w.message).join('; ')}`);
  return r.value === true;
}

export function evaluateDecision(table: DecisionTable, context: Record<string, unknown>): Record<string, unknown> {
  const values = table.inputs.map((i) => evalFeel(i.expression, context));
  const hits = table.rules.filter((r) => r.inputEntries.every((e, k) => matches(e, values[k], context)));
  if (!hits.length) throw new DecisionError(`决策表 ${table.id} 无匹配规则 / no rule of ${table.id} matches ${JSON.stringify(values)}`);
  if (table.hitPolicy === 'UNIQUE' && hits.length > 1) {
    throw new DecisionError(`决策表 ${table.id} 匹配多条规则 / rules ${hits.map((h) => h.id).join(', ')} all match (UNIQUE)`);
  }
  const rule = hits[0];
  const result: Record<string, unknown> = { rule: rule.id };
  table.outputs.forEach((o, k) => {
    const text = rule.outputEntries[k] ?? '';
    result[o.name] = text === '' ? null : evalFeel(text, context);
  });
  return result;
}

export class DecisionRegistry {
  private readonly tables = new Map<string, DecisionTable>();

  static async load(dir: string): Promise<DecisionRegistry> {
    const reg = new DecisionRegistry();
    if (!fs.existsSync(dir)) return reg;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.dmn')).sort()) {
      for (const t of await parseDmn(fs.readFileSync(path.join(dir, file), 'utf8'))) {
        if (reg.tables.has(t.id)) throw new DecisionError(`decision ${t.id} defined twice`);
        reg.tables.set(t.id, t);
      }
    }
    return reg;
  }

  ids(): string[] {
    return [...this.tables.keys()].sort();
  }

  get(id: string): DecisionTable | undefined {
    return this.tables.get(id);
  }
}
