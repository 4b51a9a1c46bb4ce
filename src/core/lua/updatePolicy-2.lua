--[[ updatePolicy-2: merge fields into a group's stored policy.

KEYS[1] stream
KEYS[2] policy hash of the stream
ARGV[1] group, ARGV[2] JSON of the default policy (for a group without one), ARGV[3] JSON of the changes

Returns the JSON of the new policy
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
sg_stream(KEYS[1])
sg_group(KEYS[1], ARGV[1])
local current = redis.call('HGET', KEYS[2], ARGV[1]) or ARGV[2]
local policy = cjson.decode(current)
for k, v in pairs(cjson.decode(ARGV[3])) do policy[k] = v end
local encoded = cjson.encode(policy)
redis.call('HSET', KEYS[2], ARGV[1], encoded)
return encoded
