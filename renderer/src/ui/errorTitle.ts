/** Short headings for API error codes, so an error panel reads "File not found: /x.mp4". */

const TITLES: Record<string, string> = {
  INVALID_ARGS: 'Invalid input',
  NOT_FOUND: 'File not found',
  IS_DIRECTORY: 'That is a folder',
  EMPTY_FILE: 'Empty file',
  NOT_MEDIA: 'Not a video file',
  TRUNCATED: 'File is cut short',
  NO_VIDEO: 'No video stream',
  PERMISSION_DENIED: 'Permission denied',
  RAW_NEEDS_FORMAT: 'Raw video needs its format',
  NO_FFPROBE: 'ffprobe is missing',
  NO_FFMPEG: 'ffmpeg is missing',
  FFMPEG_FAILED: 'ffmpeg failed',
  UNKNOWN_ITEM: 'Not in the library',
  UNSUPPORTED: 'Not available here',
  CANCELED: 'Canceled',
  PREFLIGHT_BLOCKED: 'The pre-flight check blocks scoring',
  INVALID_CURVE: 'Cannot compare these curves',
  OUTPUT_EXISTS: 'The renditions already exist',
  DATA_FOLDER_FULL: 'The data folder is full',
  DATABASE_CORRUPT: 'The library database is damaged',
  DATABASE_BUSY: 'The library is busy',
  BUSY: 'Busy',
  INTERNAL: 'Unexpected error',
};

/** The heading for an error code; unknown codes get a generic one. */
export function errorTitle(code: string): string {
  return TITLES[code] ?? 'Error';
}
