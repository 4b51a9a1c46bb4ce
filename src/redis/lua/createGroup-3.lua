--[[ createGroup-3: create a consumer group and store its policy in one step.

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] reap registry of the stream's slot (keys.reapRegistry)
ARGV[1] group, ARGV[2] start ID ('$', '0' or an ID), ARGV[3] '1' to create the stream (MKSTREAM)
ARGV[4] ENTRIESREAD value or '', ARGV[5] policy JSON (complete and validated by the caller)

Returns 1
Errors: NOSTREAM (absent and not created), WRONGTYPE, BUSYGROUP
]]
if sg_stream_or_none(KEYS[1]) == 'none' and ARGV[3] ~= '1' then sg_fail('NOSTREAM', 'no such stream') end
local args = { 'CREATE', KEYS[1], ARGV[1], ARGV[2] }
if ARGV[3] == '1' then args[#args + 1] = 'MKSTREAM' end
if ARGV[4] ~= '' then
  args[#args + 1] = 'ENTRIESREAD'
  args[#args + 1] = ARGV[4]
end
redis.call('XGROUP', unpack(args))
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
-- Registered with the policy, atomically: the reaper never misses a reaping group.
if (tonumber(cjson.decode(ARGV[5]).reapIdleMs) or 0) > 0 then redis.call('SADD', KEYS[3], KEYS[1]) end
return 1
