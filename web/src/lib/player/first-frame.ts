/**
 * Calls `callback` once the <video> has a decoded frame to show. Two signals,
 * whichever comes first: requestVideoFrameCallback (exact, but only fires
 * while the page renders, so never in a background tab) and the media events
 * that follow the first decoded frame (those fire in background tabs too).
 * Returns a function that stops watching.
 */
export function onFirstFrame(video: HTMLVideoElement, callback: () => void): () => void {
  let done = false;
  let handle: number | undefined;
  const events = ['loadeddata', 'resize', 'playing'] as const;

  const stop = () => {
    done = true;
    for (const name of events) video.removeEventListener(name, check);
    if (handle !== undefined && 'cancelVideoFrameCallback' in video) video.cancelVideoFrameCallback(handle);
  };
  const fire = () => {
    if (done) return;
    stop();
    callback();
  };
  // HAVE_CURRENT_DATA with a size: a frame has been decoded.
  function check(): void {
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) fire();
  }

  for (const name of events) video.addEventListener(name, check);
  if ('requestVideoFrameCallback' in video) handle = video.requestVideoFrameCallback(fire);
  return stop;
}
