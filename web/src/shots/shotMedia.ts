// What the shot page shows, derived from the shot's versions and live
// status (pure): the anchor image to show (the newest one that exists and
// may be shown: while a new image is painted, the previous one), the clip, and the
// refine chat, which is kept with the versions it made (parameters.chat /
// instruction), so it survives a reload.
import type { ShotStatus, Version } from '../schemas';

const IN_FLIGHT: readonly ShotStatus[] = ['VALIDATION', 'GENERATING_IMAGE', 'REFINING'];

export interface ShotMedia {
  image?: Version;
  /** When `image` is an end frame (parameters.frame "end"), the start frame it was edited from. */
  startFrame?: Version;
  /** A new image is being made (the one shown, if any, is the previous). */
  imagePending: boolean;
  video?: Version;
  videoPending: boolean;
}

/**
 * `hidden`: image versions not to show: those whose picture could not be
 * loaded (e.g. a refinement that failed before it was painted) and those
 * that did not pass the image check; the newest one left is shown. While a
 * new image is painted (the newest version), the one before stays.
 */
export function shotMedia(versions: Version[], status: ShotStatus | undefined, hidden: ReadonlySet<string> = new Set()): ShotMedia {
  const imagePending = status !== undefined && IN_FLIGHT.includes(status);
  const inFlight = imagePending ? versions.filter((v) => v.kind === 'IMAGE').at(-1) : undefined;
  const images = versions.filter((v) => v.kind === 'IMAGE' && v.outputs.length > 0 && v !== inFlight && !hidden.has(v.versionId));
  const image = images.at(-1);
  const startFrame =
    image?.parameters.frame === 'end' ? versions.find((v) => v.versionId === image.parameters.startVersion) : undefined;
  const videos = versions.filter((v) => v.kind === 'VIDEO' && v.outputs.length > 0);
  const videoPending = status === 'GENERATING_VIDEO';
  return { image, startFrame, imagePending, video: status === 'COMPLETED' ? videos.at(-1) : undefined, videoPending };
}

export interface ChatMessage {
  who: 'you' | 'miri';
  text: string;
  versionId: string;
}

/** The refine conversation: each instruction and what became of it. */
export function chatLog(versions: Version[], status: ShotStatus | undefined): ChatMessage[] {
  const out: ChatMessage[] = [];
  const newest = versions.at(-1);
  for (const v of versions) {
    if (v.kind !== 'IMAGE' || v.parameters.mode !== 'inpaint') continue;
    const instruction = typeof v.parameters.instruction === 'string' ? v.parameters.instruction : '';
    out.push({ who: 'you', text: instruction, versionId: v.versionId });
    const isNewest = v === newest;
    let reply: string;
    if (isNewest && status === 'REFINING') reply = `Painting that change as version ${v.versionId}…`;
    else if (isNewest && status === 'AWAITING_APPROVAL') reply = `Version ${v.versionId} is ready and awaits your approval.`;
    else if (isNewest && status === 'FAILED') reply = `Version ${v.versionId} could not be made.`;
    else reply = `Made version ${v.versionId}.`;
    out.push({ who: 'miri', text: reply, versionId: v.versionId });
  }
  return out;
}
