--[[ claim-1: XCLAIM exactly as Redis does it, adding each claimed entry's delivery count.

KEYS[1] stream
ARGV[1] group, ARGV[2] '1' when the XCLAIM arguments include JUSTID
ARGV[3..] XCLAIM arguments after key and group: consumer, min-idle-time, IDs, options

Returns flat {id, fields, deliveryCount, ...}, or with JUSTID the claimed IDs
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
sg_stream(KEYS[1])
local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], unpack(ARGV, 3))
if ARGV[2] == '1' then return claimed end
local out = {}
for _, e in ipairs(claimed) do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)[1]
  out[#out + 1] = e[1]
  out[#out + 1] = e[2]
  out[#out + 1] = p and p[4] or 0
end
return out
