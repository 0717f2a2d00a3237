/**
 * zod schemas for the parts of ffprobe's JSON we read. ffprobe is outside input: builds differ in
 * which fields they print and whether numbers arrive as JSON numbers or strings, so every field is
 * optional and numbers are accepted in both forms. Unknown fields are dropped.
 */
import { z } from 'zod';

/** A number that ffprobe prints as a JSON number in some builds and as a string ("N/A") in others. */
const numLike = z.union([z.number(), z.string()]).nullish();

/** A string field; some builds print numbers where others print strings (e.g. profile). */
const strLike = z.union([z.string(), z.number()]).nullish();

/** One entry of a stream's side_data_list (display matrix, HDR metadata, ...). */
export const SideDataSchema = z.object({
  side_data_type: z.string().nullish(),
  rotation: numLike,
});

/** One stream as `-show_streams` prints it. */
export const FfprobeStreamSchema = z.object({
  index: z.number().int().nonnegative(),
  codec_type: z.string().nullish(),
  codec_name: z.string().nullish(),
  codec_long_name: z.string().nullish(),
  profile: strLike,
  level: numLike,
  width: numLike,
  height: numLike,
  sample_aspect_ratio: z.string().nullish(),
  display_aspect_ratio: z.string().nullish(),
  pix_fmt: z.string().nullish(),
  r_frame_rate: z.string().nullish(),
  avg_frame_rate: z.string().nullish(),
  time_base: z.string().nullish(),
  start_time: numLike,
  duration: numLike,
  bit_rate: numLike,
  nb_frames: numLike,
  color_range: z.string().nullish(),
  color_space: z.string().nullish(),
  color_transfer: z.string().nullish(),
  color_primaries: z.string().nullish(),
  field_order: z.string().nullish(),
  channels: numLike,
  channel_layout: z.string().nullish(),
  sample_rate: numLike,
  disposition: z.record(z.string(), z.unknown()).nullish(),
  tags: z.record(z.string(), z.unknown()).nullish(),
  side_data_list: z.array(SideDataSchema).nullish(),
});

/** The format section as `-show_format` prints it. */
export const FfprobeFormatSchema = z.object({
  format_name: z.string().nullish(),
  format_long_name: z.string().nullish(),
  start_time: numLike,
  duration: numLike,
  size: numLike,
  bit_rate: numLike,
  tags: z.record(z.string(), z.unknown()).nullish(),
});

/** The whole `-print_format json -show_format -show_streams` document. */
export const FfprobeOutputSchema = z.object({
  streams: z.array(FfprobeStreamSchema).default([]),
  format: FfprobeFormatSchema.nullish(),
});

/** A validated ffprobe stream. */
export type FfprobeStream = z.infer<typeof FfprobeStreamSchema>;
/** A validated ffprobe format section. */
export type FfprobeFormat = z.infer<typeof FfprobeFormatSchema>;
/** A validated ffprobe document. */
export type FfprobeOutput = z.infer<typeof FfprobeOutputSchema>;
