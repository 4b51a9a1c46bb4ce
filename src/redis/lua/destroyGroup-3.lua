--[[ destroyGroup-3: destroy a consumer group, its stored policy and its nack delays.

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] nack delays of the stream (keys.nackDelays)
ARGV[1] group

Returns 1
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
sg_stream(KEYS[1])
if redis.call('XGROUP', 'DESTROY', KEYS[1], ARGV[1]) == 0 then
  sg_fail('NOGROUP', 'no such consumer group')
end
redis.call('HDEL', KEYS[2], ARGV[1])
sg_delay_forget_group(KEYS[3], ARGV[1])
return 1
