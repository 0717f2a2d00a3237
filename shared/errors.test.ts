import { describe, expect, it } from 'vitest';
import { VqError, toApiError } from './errors';

describe('toApiError', () => {
  it('keeps code, message and hint of a VqError', () => {
    expect(toApiError(new VqError('NOT_FOUND', 'File not found: /x', 'Check the path'))).toEqual({
      code: 'NOT_FOUND',
      message: 'File not found: /x',
      hint: 'Check the path',
    });
  });
  it('turns unknown errors into INTERNAL with their message', () => {
    expect(toApiError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toApiError('text')).toEqual({ code: 'INTERNAL', message: 'text' });
  });
  it('passes through an ApiError-shaped object from another realm', () => {
    expect(toApiError({ code: 'TRUNCATED', message: 'cut' })).toEqual({
      code: 'TRUNCATED',
      message: 'cut',
    });
  });
});
