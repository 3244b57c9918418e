-- HAProxy asks Drawbridge's decision endpoint before it passes a request on (HAProxy 2.5 or later: it uses
-- core.httpclient). Load with `lua-load /etc/haproxy/drawbridge.lua` and call from a frontend with
-- `http-request lua.drawbridge_auth http://127.0.0.1:8080/.drawbridge/auth`. It sets txn.drawbridge_status to
-- the answer's status (500 when Drawbridge cannot be asked), and for a redirect txn.drawbridge_location and
-- txn.drawbridge_cookie; haproxy.cfg turns anything but a 2xx into the client's answer. HaproxyFrontIT runs it.

-- The headers Drawbridge answers with: removed from every request, set again from a 2xx answer only.
local identity = { "x-forwarded-user", "x-forwarded-email", "x-forwarded-groups",
                   "x-forwarded-preferred-username", "x-drawbridge-assertion" }
-- Not passed to the decision endpoint: framing, and what this script sets itself.
local skip = { ["host"] = true, ["content-length"] = true, ["transfer-encoding"] = true, ["connection"] = true,
               ["x-forwarded-method"] = true, ["x-forwarded-uri"] = true, ["x-forwarded-host"] = true,
               ["x-forwarded-proto"] = true, ["x-forwarded-for"] = true, ["x-original-uri"] = true }

local function first(values)
    if values == nil then return nil end
    return values[0] or values[1]
end

core.register_action("drawbridge_auth", { "http-req" }, function(txn, endpoint)
    local headers = {}
    for name, values in pairs(txn.http:req_get_headers()) do
        if not skip[name] then
            headers[name] = {}
            for _, value in pairs(values) do table.insert(headers[name], value) end
        end
    end
    headers["x-forwarded-method"] = { txn.sf:method() }
    headers["x-forwarded-uri"] = { txn.sf:pathq() }
    headers["x-forwarded-host"] = { txn.sf:req_fhdr("host") or "" }
    headers["x-forwarded-proto"] = { txn.sf:ssl_fc() == 1 and "https" or "http" }
    headers["x-forwarded-for"] = { txn.sf:src() }
    for _, name in ipairs(identity) do txn.http:req_del_header(name) end

    local ok, response = pcall(function()
        return core.httpclient():get{ url = endpoint, headers = headers, timeout = 5000 }
    end)
    if not ok or response == nil or response.status == nil or response.status == 0 then
        txn:set_var("txn.drawbridge_status", 500)
        return
    end
    txn:set_var("txn.drawbridge_status", response.status)
    local answer = {}
    for name, values in pairs(response.headers or {}) do answer[string.lower(name)] = values end
    if response.status >= 200 and response.status < 300 then
        for _, name in ipairs(identity) do
            local value = first(answer[name])
            if value ~= nil then txn.http:req_set_header(name, value) end
        end
    else
        txn:set_var("txn.drawbridge_location", first(answer["location"]) or "")
        txn:set_var("txn.drawbridge_cookie", first(answer["set-cookie"]) or "")
    end
end, 1)
