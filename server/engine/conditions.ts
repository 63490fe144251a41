// bpmn-elements' sequence flow, with a condition that must give a boolean. The expression resolver
// (expressions.ts) serves timers, message names and error codes too, so it hands text without = or
// ${…} back as it stands; bpmn-elements then takes any non-empty text as true, and a condition
// written `decision = "approve"` (its = forgotten) or `false` would take the flow every time. Here
// a condition whose value is not true or false — text, a number, null — is an ExpressionError:
// the command fails and the case gets an incident at the gateway, as a FEEL error there does
// (incidents.ts), so nothing is approved by a diagram's mistake. The lint refuses such conditions
// at deploy (`dangan/feel-conditions`); this guards a diagram forced past it.
import { SequenceFlow } from 'bpmn-elements';
import { ExpressionError } from './expressions.ts';

type Callback = (err: Error | null, result?: unknown) => void;

export function BooleanSequenceFlow(this: any, flowDef: unknown, context: unknown) {
  (SequenceFlow as any).call(this, flowDef, context);
}
BooleanSequenceFlow.prototype = Object.create((SequenceFlow as any).prototype);
BooleanSequenceFlow.prototype.constructor = BooleanSequenceFlow;

BooleanSequenceFlow.prototype.evaluate = function evaluate(this: any, fromMessage: unknown, callback: Callback) {
  const conditioned = !this.isDefault && !!this.behaviour?.conditionExpression;
  (SequenceFlow as any).prototype.evaluate.call(this, fromMessage, (err: Error | null, result?: unknown) => {
    if (err || !conditioned || typeof result === 'boolean') return callback(err, result);
    const body = String(this.behaviour.conditionExpression.body ?? '').trim();
    const shown = typeof result === 'string' ? `"${result}"` : String(result);
    callback(
      new ExpressionError(
        `顺序流“${this.name ?? this.id}”（${this.id}）的条件“${body}”得出 ${shown}，不是“是”或“否” / The condition "${body}" of flow ${this.id} gave ${shown}, not true or false`,
      ),
    );
  });
};
