/**
 * Checks a CronJob schedule as kube-apiserver does: with robfig/cron v3's standard parser (five fields or a
 * descriptor), whose error texts it shows after `spec.schedule: Invalid value: "<schedule>": `. Returns the error
 * text, or undefined for a schedule the parser accepts.
 */
interface FieldRange {
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldRange[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

class ScheduleError extends Error {}

export function scheduleError(schedule: string): string | undefined {
  try {
    parse(schedule);
    return undefined;
  } catch (error) {
    if (error instanceof ScheduleError) return error.message;
    throw error;
  }
}

function parse(schedule: string): void {
  // The time zone belongs in spec.timeZone (validation.go, validateScheduleFormat).
  if (schedule.includes('TZ')) throw new ScheduleError('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  if (!schedule.trim()) throw new ScheduleError('empty spec string');
  const spec = schedule.trim();
  if (spec.startsWith('@')) {
    if (DESCRIPTORS.includes(spec)) return;
    if (spec.startsWith('@every ')) {
      if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(spec.slice('@every '.length).trim())) {
        throw new ScheduleError(`failed to parse duration ${spec}: time: invalid duration "${spec.slice('@every '.length).trim()}"`);
      }
      return;
    }
    throw new ScheduleError(`unrecognized descriptor: ${spec}`);
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== FIELDS.length) throw new ScheduleError(`expected exactly ${FIELDS.length} fields, found ${fields.length}: [${fields.join(' ')}]`);
  fields.forEach((field, index) => field.split(',').forEach((expr) => checkRange(expr, FIELDS[index])));
}

function checkRange(expr: string, range: FieldRange): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = range.min;
    end = range.max;
  } else {
    start = intOrName(lowAndHigh[0], range.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1], range.names);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = positiveInt(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = range.max;
  } else if (rangeAndStep.length > 2) throw new ScheduleError(`too many slashes: ${expr}`);
  if (start < range.min) throw new ScheduleError(`beginning of range (${start}) below minimum (${range.min}): ${expr}`);
  if (end > range.max) throw new ScheduleError(`end of range (${end}) above maximum (${range.max}): ${expr}`);
  if (start > end) throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
}

function intOrName(expr: string, names?: string[]): number {
  const index = names?.indexOf(expr.toLowerCase()) ?? -1;
  return index >= 0 ? index + (names!.length === 12 ? 1 : 0) : positiveInt(expr);
}

function positiveInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new ScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const value = Number(expr);
  if (value < 0) throw new ScheduleError(`negative number (${value}) not allowed: ${expr}`);
  return value;
}
