--[[ deleteStream-3: delete a stream, the policies of its groups and their nack delays.

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] nack delays of the stream (keys.nackDelays)

Returns 1
Errors: NOSTREAM, WRONGTYPE (a key of another type is never deleted)
]]
sg_stream(KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
