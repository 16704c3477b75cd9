// Temporary stand-ins for the protocol types being written on another branch; removed at merge.
using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Auth
{
    public static class PasswordVerifier
    {
        public static bool Matches(string? hashFunction, string pwdHash, string? salt, string password) => throw new NotSupportedException();

        public static (string HashFunction, string PwdHash, string Salt) HashPlainPassword(string password) => ("sha-512", password, "");
    }

    public sealed record UsernamePasswordCredentials(string AuthId, string TenantId, string Password)
    {
        public static bool TryParse(string? username, byte[]? password, out UsernamePasswordCredentials? credentials) => throw new NotSupportedException();
    }
}

namespace HonoMqtt.Adapter.Protocol
{
    public enum HonoEndpoint { Telemetry, Event, Command }

    public sealed class PropertyBag
    {
        public const string ContentType = "content-type";
        public const string HonoTtl = "hono-ttl";
        public const string OnError = "on-error";
        public const string CorrelationId = "correlation-id";

        public static PropertyBag Empty { get; } = new();

        public string? Get(string key) => null;

        public bool Contains(string key) => false;
    }

    public sealed record PublishTopic(string OriginalTopic, HonoEndpoint Endpoint, string EndpointSegment, string? TenantId, string? DeviceId,
        IReadOnlyList<string> Segments, PropertyBag Properties);

    public readonly record struct ResolvedAddress(string TenantId, string DeviceId, string? GatewayId);

    public static class HonoTopic
    {
        public static bool TryParsePublish(string topic, out PublishTopic? result, out HonoError error) => throw new NotSupportedException();

        public static HonoError? CheckQos(HonoEndpoint endpoint, int qos) => throw new NotSupportedException();

        public static bool TryResolveAddress(PublishTopic topic, Auth.DeviceIdentity? authenticated, out ResolvedAddress address, out HonoError error) =>
            throw new NotSupportedException();
    }
}
