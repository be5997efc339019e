/** Why the camera could not be opened, in words a creator can act on. */
export class CameraError extends Error {
  override readonly name = 'CameraError';
}

/** 720p is enough for the 1.2 Mbit/s top simulcast layer; more would only cost the creator's CPU. */
export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 } },
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
};

/**
 * Opens camera and microphone for the studio preview. Without a microphone the
 * creator still gets video (`withoutMic`): a silent show beats none.
 */
export async function openCamera(): Promise<{ stream: MediaStream; withoutMic: boolean }> {
  // Absent on plain http:// pages other than localhost.
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('Camera access needs a secure (https://) connection.');
  }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS), withoutMic: false };
  } catch (err) {
    if (!(err instanceof DOMException) || err.name !== 'NotFoundError') throw cameraError(err);
  }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ video: CAMERA_CONSTRAINTS.video }), withoutMic: true };
  } catch (err) {
    throw cameraError(err);
  }
}

function cameraError(err: unknown): CameraError {
  const name = err instanceof DOMException ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new CameraError('Hawker needs your camera and microphone. Allow access in the browser’s address bar, then try again.');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new CameraError('No camera found. Connect one and try again.');
    case 'NotReadableError':
    case 'AbortError':
      return new CameraError('Your camera is in use by another app. Close it and try again.');
    default:
      return new CameraError('The camera could not be started. Try again.');
  }
}
