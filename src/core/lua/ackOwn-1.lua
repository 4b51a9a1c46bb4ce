--[[ ackOwn-1: acknowledge a consumer's own pending entries (StreamingPull acks), one by
one, so each gets its own result. Unlike ack-1 (plain XACK, which acks whoever holds the
entry), an entry whose lease was lost to another consumer is left alone: the new holder's
ack decides, and this caller learns that its lease was lost. Ownership is checked and the
entry acked in one atomic step, so a reclaim cannot slip in between.

KEYS[1] stream
ARGV[1] group, ARGV[2] consumer, ARGV[3..] IDs

Returns {1|0, ...}: 1 when the ID was pending for this consumer and is now acked.
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
sg_stream(stream)
sg_group(stream, group)
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local mine = redis.call('XPENDING', stream, group, id, id, 1, consumer)[1]
  if mine then
    out[i - 2] = redis.call('XACK', stream, group, id)
  else
    out[i - 2] = 0
  end
end
return out
