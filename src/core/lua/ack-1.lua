--[[ ack-1: acknowledge IDs one by one, so each gets its own result.

KEYS[1] stream
ARGV[1] group
ARGV[2] consumer whose entries alone may be acked, or '' for any consumer's
ARGV[3..] IDs

With a consumer (StreamingPull acks): an entry whose lease was lost to another consumer is
left alone, so the new holder's ack decides and this caller learns its lease was lost;
ownership is checked and the entry acked in one atomic step, so no reclaim slips in between.
Without one: plain XACK, whoever holds the entry (the REST and unary ack).

Returns {1|0, ...}: 1 when the ID was pending (for that consumer) and is now acked.
Errors: NOSTREAM, WRONGTYPE, NOGROUP (XACK alone answers 0 for a missing group or stream)
]]
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
sg_stream(stream)
sg_group(stream, group)
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  if consumer == '' or redis.call('XPENDING', stream, group, id, id, 1, consumer)[1] then
    out[i - 2] = redis.call('XACK', stream, group, id)
  else
    out[i - 2] = 0
  end
end
return out
