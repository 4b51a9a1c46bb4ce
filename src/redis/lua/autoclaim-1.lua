--[[ autoclaim-1: XAUTOCLAIM exactly as Redis does it, adding each claimed entry's delivery count.

KEYS[1] stream
ARGV[1] group, ARGV[2] consumer, ARGV[3] min-idle-time, ARGV[4] start, ARGV[5] count,
ARGV[6] '1' for JUSTID

Returns {next cursor, entries, deleted IDs}; entries are flat {id, fields, deliveryCount, ...},
or the claimed IDs with JUSTID
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
sg_stream(KEYS[1])
local args = { KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5] }
if ARGV[6] == '1' then args[#args + 1] = 'JUSTID' end
local r = redis.call('XAUTOCLAIM', unpack(args))
if ARGV[6] == '1' then return r end
local out = {}
for _, e in ipairs(r[2]) do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)[1]
  out[#out + 1] = e[1]
  out[#out + 1] = e[2]
  out[#out + 1] = p and p[4] or 0
end
return { r[1], out, r[3] }
