--[[ deleteConsumer-1: delete a consumer, refusing while it owns pending messages unless forced.

KEYS[1] stream
ARGV[1] group, ARGV[2] consumer, ARGV[3] '1' to force (drop its pending entries, as XGROUP DELCONSUMER does)

Returns the number of pending entries dropped
Errors: NOSTREAM, WRONGTYPE, NOGROUP, NOCONSUMER, HASPENDING
]]
sg_stream(KEYS[1])
local pending = nil
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  if sg_field(c, 'name') == ARGV[2] then pending = sg_field(c, 'pending') end
end
if pending == nil then sg_fail('NOCONSUMER', 'no such consumer') end
if pending > 0 and ARGV[3] ~= '1' then
  sg_fail('HASPENDING', 'consumer still owns ' .. pending .. ' pending messages')
end
return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
