// bpmn-elements' timer event definition, with "now" read from the runtime's clock instead of the
// wall clock. The stock one computes a timer's remaining time against Date.now(): a timeDate that is
// in the future by our clock but in the past by the wall clock (a test's movable clock; a clock set
// by an administrator) fired at once. Our Timers object carries `now()` (see run.ts); everything else
// is the stock behaviour, reached through the prototype. And an overdue timer found while resuming
// is left to its job (see the end of _getTimers).
import { TimerEventDefinition } from 'bpmn-elements';
import { ISOInterval, getDate } from '@0dep/piso';

const TIMER_TYPES = ['timeDuration', 'timeDate', 'timeCycle'] as const;

function nowOf(self: any): Date {
  const now = self.environment?.timers?.now;
  return typeof now === 'function' ? now() : new Date();
}

export function ClockedTimerEventDefinition(this: any, activity: unknown, eventDefinition: unknown) {
  (TimerEventDefinition as any).call(this, activity, eventDefinition);
}
ClockedTimerEventDefinition.prototype = Object.create((TimerEventDefinition as any).prototype);
ClockedTimerEventDefinition.prototype.constructor = ClockedTimerEventDefinition;

ClockedTimerEventDefinition.prototype.parse = function parse(timerType: string, value: string) {
  const now = nowOf(this);
  if (timerType === 'timeDate') {
    const expireAt = getDate(value);
    return { expireAt, repeat: undefined, delay: expireAt.getTime() - now.getTime() };
  }
  const parsed = new ISOInterval(value).parse();
  const expireAt = parsed.getExpireAt(now, now);
  return { expireAt, repeat: parsed.repeat, delay: expireAt.getTime() - now.getTime() };
};

ClockedTimerEventDefinition.prototype._getTimers = function getTimers(executeMessage: any) {
  const content = executeMessage.content;
  const now = nowOf(this);
  const result: Record<string, any> = { ...('expireAt' in content && { expireAt: new Date(content.expireAt) }) };
  for (const timerType of TIMER_TYPES) {
    if (timerType in content) result[timerType] = content[timerType];
    else if (timerType in this) result[timerType] = this.environment.resolveExpression(this[timerType], executeMessage);
    else continue;
    let expireAtDate: Date;
    let repeat: number | undefined;
    const timerStr = result[timerType];
    if (timerStr) {
      const parsed = this.parse(timerType, timerStr);
      if (!parsed.expireAt || !parsed.expireAt.getTime) {
        throw new TypeError(`Parsed ${timerType} "${timerStr}" expireAt failed to resolve to a date`);
      }
      repeat = parsed.repeat;
      expireAtDate = parsed.expireAt;
    } else {
      expireAtDate = now;
    }
    if (!('expireAt' in result) || result.expireAt > expireAtDate) {
      result.timerType = timerType;
      result.expireAt = expireAtDate;
      result.repeat = repeat;
    }
  }
  if ('expireAt' in result) result.timeout = result.expireAt.getTime() - now.getTime();
  else if ('timeout' in content) result.timeout = content.timeout;
  else if (!Object.keys(result).length) result.timeout = 0;
  if (content.inbound?.[0] && 'repeat' in content.inbound[0]) result.repeat = content.inbound[0].repeat;
  // A timer recovered after its due time does not fire by itself while the engine resumes (that
  // step records nothing): it stays armed, and its job fires it in a command of its own.
  if (executeMessage.fields?.redelivered && typeof result.timeout === 'number' && result.timeout <= 0) result.timeout = 1;
  return result;
};
