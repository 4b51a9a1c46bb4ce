--[[ ack-1: acknowledge IDs one by one, so each gets its own result.

KEYS[1] stream
ARGV[1] group, ARGV[2..] IDs

Returns {1|0, ...}: 1 when the ID was pending in the group and is now acked.
Errors: NOSTREAM, WRONGTYPE, NOGROUP (XACK alone answers 0 for a missing group or stream)
]]
sg_stream(KEYS[1])
sg_group(KEYS[1], ARGV[1])
local out = {}
for i = 2, #ARGV do
  out[i - 1] = redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
end
return out
