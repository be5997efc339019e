import type { Attachment } from 'svelte/attachments';

/**
 * `<video {@attach srcObject(stream)}>`: srcObject is a property, not an
 * attribute, so markup cannot set it. Re-runs whenever `stream` changes.
 */
export function srcObject(stream: MediaStream | null): Attachment<HTMLVideoElement> {
  return (video) => {
    video.srcObject = stream;
  };
}
