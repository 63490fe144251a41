// A Beijing calendar day 'YYYY-MM-DD' as the instant it starts (UTC ISO, as the API's datetime
// filters take it), `plus` days later: (d, 0) is the start of d, (d, 1) the end of d.
export function beijingDayStart(day: string, plus: number): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + plus * 86_400_000).toISOString();
}
