using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HonoMqtt.Adapter.Auth;

namespace HonoMqtt.Adapter.Registry;

/// <summary>
/// Parses the registry file: <c>{"tenants": {id: tenant}, "devices": {tenant: {device-id: device + "credentials": [...]}}}</c>,
/// with Hono's management-API member names. Plain passwords (<c>pwd-plain</c>) are hashed here and never kept.
/// </summary>
public static partial class RegistryFileParser
{
    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm'Z'",
    ];

    public static RegistrySnapshot Parse(string json)
    {
        var errors = new List<string>();
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new RegistryFormatException([$"not valid JSON: {e.Message}"]);
        }

        if (root is not JsonObject top)
        {
            throw new RegistryFormatException(["the registry must be a JSON object with members \"tenants\" and \"devices\""]);
        }

        var tenants = new Dictionary<string, TenantInfo>(StringComparer.Ordinal);
        foreach (var (id, node) in Members(top, "tenants", "$", errors))
        {
            if (ParseTenant(id, node, $"$.tenants.{id}", errors) is { } tenant)
            {
                tenants[id] = tenant;
            }
        }

        CheckTrustAnchorsAndAliases(tenants.Values, errors);
        var devices = new Dictionary<(string, string), DeviceInfo>();
        var credentials = new Dictionary<(string, string, string), CredentialsInfo>();
        foreach (var (tenantId, tenantDevices) in Members(top, "devices", "$", errors))
        {
            var path = $"$.devices.{tenantId}";
            if (!tenants.ContainsKey(tenantId))
            {
                errors.Add($"{path}: devices of tenant '{tenantId}', which is not in \"tenants\"");
                continue;
            }

            if (tenantDevices is not JsonObject deviceMap)
            {
                errors.Add($"{path}: must be an object of device-id to device");
                continue;
            }

            foreach (var (deviceId, node) in deviceMap)
            {
                var devicePath = $"{path}.{deviceId}";
                if (node is not JsonObject deviceObject)
                {
                    errors.Add($"{devicePath}: must be an object");
                    continue;
                }

                devices[(tenantId, deviceId)] = ParseDevice(deviceId, deviceObject, devicePath, errors);
                foreach (var credential in ParseCredentials(deviceId, deviceObject["credentials"], devicePath + ".credentials", errors))
                {
                    if (!credentials.TryAdd((tenantId, credential.Type, credential.AuthId), credential))
                    {
                        errors.Add($"{devicePath}.credentials: ({credential.Type}, {credential.AuthId}) is already used in tenant '{tenantId}'");
                    }
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new RegistryFormatException(errors);
        }

        return new RegistrySnapshot(tenants, devices, credentials);
    }

    private static IEnumerable<(string Key, JsonNode? Value)> Members(JsonObject parent, string name, string path, List<string> errors)
    {
        var node = parent[name];
        if (node is null)
        {
            yield break;
        }

        if (node is not JsonObject obj)
        {
            errors.Add($"{path}.{name}: must be an object");
            yield break;
        }

        foreach (var (key, value) in obj)
        {
            yield return (key, value);
        }
    }

    private static TenantInfo? ParseTenant(string id, JsonNode? node, string path, List<string> errors)
    {
        if (node is not JsonObject tenant)
        {
            errors.Add($"{path}: must be an object");
            return null;
        }

        List<AdapterConfig>? adapters = null;
        if (tenant["adapters"] is { } adaptersNode)
        {
            adapters = [];
            if (adaptersNode is not JsonArray array || array.Count == 0)
            {
                errors.Add($"{path}.adapters: must be a non-empty array");
            }
            else
            {
                foreach (var entry in array)
                {
                    var type = String(entry, "type", path + ".adapters", errors, required: true);
                    if (type is null)
                    {
                        continue;
                    }

                    if (adapters.Any(a => a.Type == type))
                    {
                        errors.Add($"{path}.adapters: type '{type}' is listed twice");
                    }

                    // An adapter entry's "enabled" defaults to false [Hono Adapter.java].
                    adapters.Add(new AdapterConfig(type, Bool(entry, "enabled", false, path, errors),
                        Bool(entry, "device-authentication-required", true, path, errors)));
                }
            }
        }

        var limits = tenant["resource-limits"] as JsonObject;
        return new TenantInfo(
            id,
            Bool(tenant, "enabled", true, path, errors),
            adapters,
            Object(tenant, "defaults", path, errors),
            (int)Long(tenant, "minimum-message-size", 0, path, errors),
            limits is null
                ? ResourceLimits.Unlimited
                : new ResourceLimits(
                    Long(limits, "max-connections", -1, path, errors),
                    Long(limits, "max-ttl", -1, path, errors),
                    Long(limits, "max-ttl-telemetry-qos0", -1, path, errors),
                    Long(limits, "max-ttl-telemetry-qos1", -1, path, errors),
                    Long(limits, "max-ttl-command-response", -1, path, errors),
                    Periodic(limits, "data-volume", "max-bytes", path + ".resource-limits", errors),
                    Periodic(limits, "connection-duration", "max-minutes", path + ".resource-limits", errors)),
            tenant["trusted-ca"] as JsonArray)
        {
            Alias = String(tenant, "alias", path, errors),
            TrustAnchorGroup = String(tenant, "trust-anchor-group", path, errors),
            TrustAnchors = TrustAnchorParser.Parse(tenant["trusted-ca"], path + ".trusted-ca", errors),
        };
    }

    private static PeriodicLimit? Periodic(JsonObject limits, string name, string maxName, string path, List<string> errors)
    {
        if (limits[name] is not JsonObject limit)
        {
            return null;
        }

        var limitPath = $"{path}.{name}";
        var sinceText = String(limit, "effective-since", limitPath, errors, required: true);
        if (sinceText is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
        {
            errors.Add($"{limitPath}.effective-since: not an ISO-8601 date-time: '{sinceText}'");
            return null;
        }

        var period = limit["period"] as JsonObject;
        var mode = period is null ? "monthly" : String(period, "mode", limitPath + ".period", errors) ?? "monthly";
        if (mode is not ("monthly" or "days"))
        {
            errors.Add($"{limitPath}.period.mode must be monthly or days (was '{mode}')");
        }

        var days = period is null ? 0 : (int)Long(period, "no-of-days", 0, limitPath + ".period", errors);
        if (mode == "days" && days <= 0)
        {
            errors.Add($"{limitPath}.period.no-of-days must be positive for mode days");
        }

        return new PeriodicLimit(since, Long(limit, maxName, -1, limitPath, errors), mode != "days", days);
    }

    private static DeviceInfo ParseDevice(string id, JsonObject device, string path, List<string> errors)
    {
        var via = Strings(device, "via", path, errors);
        var viaGroups = Strings(device, "viaGroups", path, errors);
        var memberOf = Strings(device, "memberOf", path, errors);
        if (memberOf.Count > 0 && (via.Count > 0 || viaGroups.Count > 0))
        {
            errors.Add($"{path}: \"memberOf\" cannot be combined with \"via\" or \"viaGroups\"");
        }

        return new DeviceInfo(id, Bool(device, "enabled", true, path, errors), Object(device, "defaults", path, errors), via, viaGroups, memberOf);
    }

    private static IEnumerable<CredentialsInfo> ParseCredentials(string deviceId, JsonNode? node, string path, List<string> errors)
    {
        if (node is null)
        {
            yield break;
        }

        if (node is not JsonArray array)
        {
            errors.Add($"{path}: must be an array");
            yield break;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var entryPath = $"{path}[{i}]";
            var type = String(array[i], "type", entryPath, errors, required: true);
            var authId = type == CredentialsInfo.X509Certificate
                ? X509AuthId(array[i], entryPath, errors)
                : String(array[i], "auth-id", entryPath, errors, required: true);
            if (type is null || authId is null)
            {
                continue;
            }

            var secrets = new List<SecretInfo>();
            if (array[i]!["secrets"] is JsonArray secretArray)
            {
                for (var s = 0; s < secretArray.Count; s++)
                {
                    if (ParseSecret(type, secretArray[s], $"{entryPath}.secrets[{s}]", errors) is { } secret)
                    {
                        secrets.Add(secret);
                    }
                }
            }

            if (secrets.Count == 0)
            {
                errors.Add($"{entryPath}.secrets: at least one secret is required");
            }

            yield return new CredentialsInfo(deviceId, type, authId, Bool(array[i], "enabled", true, entryPath, errors), secrets);
        }
    }

    private static SecretInfo? ParseSecret(string type, JsonNode? node, string path, List<string> errors)
    {
        if (node is not JsonObject secret)
        {
            errors.Add($"{path}: must be an object");
            return null;
        }

        var enabled = Bool(secret, "enabled", true, path, errors);
        var notBefore = Instant(secret, "not-before");
        var notAfter = Instant(secret, "not-after");
        if (type != CredentialsInfo.HashedPassword)
        {
            return new SecretInfo(enabled, notBefore, notAfter, null, null, null);
        }

        if (String(secret, "pwd-plain", path, errors) is { } plain)
        {
            var (function, hash, salt) = PasswordVerifier.HashPlainPassword(plain);
            return new SecretInfo(enabled, notBefore, notAfter, function, hash, salt);
        }

        var pwdHash = String(secret, "pwd-hash", path, errors);
        if (pwdHash is null)
        {
            errors.Add($"{path}: a hashed-password secret needs \"pwd-plain\" or \"pwd-hash\"");
            return null;
        }

        return new SecretInfo(enabled, notBefore, notAfter, String(secret, "hash-function", path, errors), pwdHash, String(secret, "salt", path, errors));
    }

    /// <summary>Hono parses validity bounds with ISO_OFFSET_DATE_TIME; anything else counts as absent [CredentialsObject.getInstant].</summary>
    private static DateTimeOffset? Instant(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var text) && IsoOffsetDateTime().IsMatch(text) &&
        DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : null;

    // Java's ISO_OFFSET_DATE_TIME: the offset is Z or ±hh:mm (.NET would also take ±hhmm).
    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex IsoOffsetDateTime();

    private static string? String(JsonNode? obj, string name, string path, List<string> errors, bool required = false)
    {
        var node = obj?[name];
        if (node is null)
        {
            if (required)
            {
                errors.Add($"{path}: \"{name}\" is required");
            }

            return null;
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var text))
        {
            return text;
        }

        errors.Add($"{path}.{name}: must be a string");
        return null;
    }

    private static bool Bool(JsonNode? obj, string name, bool fallback, string path, List<string> errors)
    {
        var node = obj?[name];
        if (node is null)
        {
            return fallback;
        }

        if (node is JsonValue v && v.TryGetValue<bool>(out var value))
        {
            return value;
        }

        errors.Add($"{path}.{name}: must be true or false");
        return fallback;
    }

    private static long Long(JsonNode? obj, string name, long fallback, string path, List<string> errors)
    {
        var node = obj?[name];
        if (node is null)
        {
            return fallback;
        }

        if (node is JsonValue v && v.TryGetValue<long>(out var value))
        {
            return value;
        }

        errors.Add($"{path}.{name}: must be an integer");
        return fallback;
    }

    private static JsonObject? Object(JsonObject obj, string name, string path, List<string> errors)
    {
        var node = obj[name];
        if (node is null or JsonObject)
        {
            return (JsonObject?)node;
        }

        errors.Add($"{path}.{name}: must be an object");
        return null;
    }

    /// <summary>Hono accepts a single string or an array of strings for <c>via</c>, <c>viaGroups</c> and <c>memberOf</c>.</summary>
    private static List<string> Strings(JsonObject obj, string name, string path, List<string> errors)
    {
        switch (obj[name])
        {
            case null:
                return [];
            case JsonValue v when v.TryGetValue<string>(out var single):
                return [single];
            case JsonArray array when array.All(n => n is JsonValue x && x.TryGetValue<string>(out _)):
                return array.Select(n => n!.GetValue<string>()).ToList();
            default:
                errors.Add($"{path}.{name}: must be a string or an array of strings");
                return [];
        }
    }
}
