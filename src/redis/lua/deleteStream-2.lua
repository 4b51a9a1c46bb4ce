--[[ deleteStream-2: delete a stream and the policies of its groups.

KEYS[1] stream
KEYS[2] policy hash of the stream

Returns 1
Errors: NOSTREAM, WRONGTYPE (a key of another type is never deleted)
]]
sg_stream(KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2])
return 1
