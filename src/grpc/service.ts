import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { StreamGatewayHandlers } from './generated/streamgate/v1/StreamGateway.js';
import { consumeHandlers } from './handlers/consume.js';
import { consumerHandlers } from './handlers/consumers.js';
import { deadLetterHandlers } from './handlers/dead-letters.js';
import { groupHandlers } from './handlers/groups.js';
import { messageHandlers } from './handlers/messages.js';
import { pendingHandlers } from './handlers/pending.js';
import type { Rpcs } from './handlers/rpc.js';
import { streamHandlers } from './handlers/streams.js';
import type { ActiveStreams } from './streaming-pull.js';
import { streamingPull } from './streaming-pull.js';
import { cancellableUnary, unary } from './unary.js';

/**
 * The StreamGateway service: its handlers, by concern (handlers/*.ts), each a thin mapping
 * from the request to a core call and from its result to the response.
 */
export function streamGatewayHandlers(core: Core, logger: Logger, active: ActiveStreams): StreamGatewayHandlers {
  const opts = { core, logger };
  const rpcs: Rpcs = {
    core,
    unary: (rpc, fn) => unary(opts, rpc, fn),
    cancellable: (rpc, fn) => cancellableUnary(opts, rpc, fn),
  };
  return {
    ...messageHandlers(rpcs),
    ...streamHandlers(rpcs),
    ...groupHandlers(rpcs),
    ...consumerHandlers(rpcs),
    ...consumeHandlers(rpcs),
    StreamingPull: streamingPull(core, logger, active),
    ...pendingHandlers(rpcs),
    ...deadLetterHandlers(rpcs),
  };
}
