/**
 * The WebSocket wire format of `vq serve`, as the browser client uses it. The format itself (schemas,
 * encoders, total parsers) lives in shared/wire.ts, shared with the server, so the two ends cannot
 * drift apart; this module keeps the names the client imports.
 */
export { encodeRequest, parseServerMessage, type ServerMessage } from '../../../shared/wire';
