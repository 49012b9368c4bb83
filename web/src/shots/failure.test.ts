import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { failureWords, retryErrorWords } from './failure';

describe('failureWords: why a shot failed, from the cause of its move to FAILED', () => {
  it('held: the checker could not run', () => {
    const w = failureWords(
      'held: the image check could not run (nsfwjs: the image checker (nsfwjs) cannot start: {"ready":false}), so the image is not shown; retry the shot once the checker is back',
    );
    expect(w).toEqual({
      title: 'the image check could not run, so the image is held and not shown',
      detail: 'nsfwjs: the image checker (nsfwjs) cannot start: {"ready":false}.',
      next: 'Retry the shot once the checker is back.',
    });
  });

  it('every image failed the check', () => {
    const w = failureWords('the image failed the image check 3 times (gemini-2.5-flash): her lips are parted; her coat is sheer');
    expect(w.title).toBe('every image made for it failed the image check (3 tries, checked by gemini-2.5-flash)');
    expect(w.detail).toBe('Her lips are parted; her coat is sheer.');
    expect(w.next).toBe('Retry the shot to make a new image; it is checked again before you see it.');
  });

  it('failed the check and could not be made again for want of budget', () => {
    const w = failureWords('the image failed the image check (nsfwjs/MobileNetV2): classifier: Sexy 0.41 >= 0.15; no budget left to make it again: cap reached');
    expect(w.title).toBe('the image failed the image check (checked by nsfwjs/MobileNetV2) and there was no budget left to make it again');
    expect(w.detail).toBe('Classifier: Sexy 0.41 >= 0.15. Cap reached.');
    expect(w.next).toBe("Raise the budget cap in the project's settings, then retry the shot.");
  });

  it("failed the check and its regeneration failed the prompt audit", () => {
    const w = failureWords(
      'the image failed the image check (gemini-2.5-flash): her lips are parted; its regeneration fails the prompt audit: prompt.lora',
    );
    expect(w.title).toBe("the image failed the image check (checked by gemini-2.5-flash) and its regeneration broke Miri's prompt rules");
    expect(w.detail).toBe('Her lips are parted. Rules: prompt.lora.');
    expect(w.next).toBe('Retry the shot to make a new image.');
  });

  it('any other cause is kept in the server\'s words', () => {
    expect(failureWords('local-image: mask and image differ in size')).toEqual({
      title: 'local-image: mask and image differ in size',
      next: 'Retry the shot to make its image again.',
    });
  });
});

describe('retryErrorWords: a failed retry as a sentence with a next step', () => {
  const err = (status: number, code: string, message = 'retrying: shot s1: stale event') => new ApiError(message, status, code, [{ path: 'status', message }]);

  it('409: the shot is not FAILED any more', () => {
    const w = retryErrorWords(err(409, 'FAILED_PRECONDITION'));
    expect(w.text).toBe('This shot is not failed any more (it may have been retried from another page), so there was nothing to retry. Its status is shown above.');
    expect(w.detail).toBe('retrying: shot s1: stale event');
  });

  it('the server could not be reached', () => {
    expect(retryErrorWords(new ApiError('POST /x: the server could not be reached (fetch failed)', 0, 'NETWORK')).text).toBe(
      'The server could not be reached. Check that miri serve is running, then press Retry shot again.',
    );
  });

  it('other refusals each say what to do', () => {
    expect(retryErrorWords(err(404, 'NOT_FOUND')).text).toMatch(/^This shot was not found.*Go back to the shots list/);
    expect(retryErrorWords(err(401, 'UNAUTHENTICATED')).text).toMatch(/did not accept.*Reload the page/);
    expect(retryErrorWords(err(422, 'REFUSED')).text).toMatch(/^Miri's rules refused.*then retry/);
    expect(retryErrorWords(err(429, 'RESOURCE_EXHAUSTED')).text).toMatch(/budget.*Raise the budget cap/);
    expect(retryErrorWords(err(503, 'UNAVAILABLE')).text).toMatch(/^The server ran into a problem.*Try again in a moment/);
    expect(retryErrorWords(new ApiError("the server's reply to POST /x does not match the contract", 0, 'CONTRACT')).text).toMatch(
      /not known whether the shot was retried\. Reload the page/,
    );
    expect(retryErrorWords(new Error('boom')).text).toBe('The shot could not be retried. Reload the page and try again.');
  });
});
