// Where the song is heard and drawn from: the file chosen in this browser
// session when there is one (no round trip), else the server's copy.
import { mediaUrl } from '../api/routes';

const files = new Map<string, File>();

export function rememberSong(projectId: string, file: File) {
  files.set(projectId, file);
}

export function localSong(projectId: string): File | undefined {
  return files.get(projectId);
}

export const SONG_ROUTE = '/api/projects/{projectId}/song';

export function serverSongPath(projectId: string): string {
  return mediaUrl(SONG_ROUTE, { path: { projectId } });
}
