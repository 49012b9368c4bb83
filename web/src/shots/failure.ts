// A FAILED shot in plain words (pure): why it failed, read from the cause
// the orchestrator wrote on its move to FAILED (the image check's causes
// are known sentences; any other cause is kept in the server's words), and
// what a failed retry means, as a sentence with a next step.
import { ApiError } from '../api/client';
import { sentence, withPeriod } from './imageCheck';

export interface FailureWords {
  /** Continues "This shot failed: ". */
  title: string;
  detail?: string;
  next: string;
}

// The causes of Orchestrator::CheckImage (src/services/orchestration/orchestrator.cc).
const HELD = /^held: the image check could not run \((.*)\), so the image is not shown; retry the shot once the checker is back$/s;
const FAILED_TIMES = /^the image failed the image check (\d+) times \(([^()]*)\): (.*)$/s;
const FAILED_ONCE = /^the image failed the image check \(([^()]*)\): (.*)$/s;
const NO_BUDGET = '; no budget left to make it again: ';
const AUDIT_REFUSED = '; its regeneration fails the prompt audit: ';

export function failureWords(cause: string): FailureWords {
  const held = HELD.exec(cause);
  if (held) {
    return {
      title: 'the image check could not run, so the image is held and not shown',
      detail: withPeriod(held[1] ?? ''),
      next: 'Retry the shot once the checker is back.',
    };
  }
  const times = FAILED_TIMES.exec(cause);
  if (times) {
    return {
      title: `every image made for it failed the image check (${times[1]} tries, checked by ${times[2]})`,
      detail: sentence(times[3] ?? ''),
      next: 'Retry the shot to make a new image; it is checked again before you see it.',
    };
  }
  const once = FAILED_ONCE.exec(cause);
  const rest = once?.[2] ?? '';
  const budget = rest.indexOf(NO_BUDGET);
  if (once && budget >= 0) {
    return {
      title: `the image failed the image check (checked by ${once[1]}) and there was no budget left to make it again`,
      detail: `${sentence(rest.slice(0, budget))} ${sentence(rest.slice(budget + NO_BUDGET.length))}`,
      next: "Raise the budget cap in the project's settings, then retry the shot.",
    };
  }
  const audit = rest.indexOf(AUDIT_REFUSED);
  if (once && audit >= 0) {
    return {
      title: `the image failed the image check (checked by ${once[1]}) and its regeneration broke Miri's prompt rules`,
      detail: `${sentence(rest.slice(0, audit))} Rules: ${withPeriod(rest.slice(audit + AUDIT_REFUSED.length))}`,
      next: 'Retry the shot to make a new image.',
    };
  }
  return { title: cause, next: 'Retry the shot to make its image again.' };
}

export interface RetryErrorWords {
  text: string;
  /** The server's own words, for whoever needs them. */
  detail?: string;
}

export function retryErrorWords(error: unknown): RetryErrorWords {
  if (!(error instanceof ApiError)) return { text: 'The shot could not be retried. Reload the page and try again.' };
  const detail = error.message;
  const say = (text: string): RetryErrorWords => ({ text, detail });
  if (error.code === 'NETWORK') return { text: 'The server could not be reached. Check that miri serve is running, then press Retry shot again.' };
  if (error.code === 'CONTRACT') {
    return say('The server answered in a way this dashboard does not understand, so it is not known whether the shot was retried. Reload the page to see its status.');
  }
  switch (error.status) {
    case 409:
      return say('This shot is not failed any more (it may have been retried from another page), so there was nothing to retry. Its status is shown above.');
    case 404:
      return say('This shot was not found: a new plan may have replaced it. Go back to the shots list.');
    case 401:
    case 403:
      return say("The server did not accept this dashboard's credentials. Reload the page (sign in again if asked), then retry.");
    case 422:
      return say("Miri's rules refused the shot's prompt, so it was not retried. Change the shot's description on the timeline, then retry.");
    case 429:
      return say("The project's budget (or a provider's limit) is used up, so the shot was not retried. Raise the budget cap in the project's settings or wait a little, then retry.");
  }
  if (error.status >= 500) {
    return say("The server ran into a problem and the shot was not retried. Try again in a moment; if it keeps happening, the server's log says why.");
  }
  return say('The shot could not be retried. Reload the page and try again.');
}
