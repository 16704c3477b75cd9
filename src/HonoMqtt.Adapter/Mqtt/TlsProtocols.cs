using System.Diagnostics.CodeAnalysis;
using System.Security.Authentication;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>Hono's <c>secureProtocols</c> names (Java's JSSE protocol names) as .NET's <see cref="SslProtocols"/>.</summary>
public static class TlsProtocols
{
    /// <summary>Parses a comma separated list such as <c>TLSv1.3,TLSv1.2</c>; only TLS 1.2 and 1.3 are offered.</summary>
    public static bool TryParse(string? names, out SslProtocols protocols, [NotNullWhen(false)] out string? error)
    {
        protocols = SslProtocols.None;
        error = null;
        var unknown = new List<string>();
        foreach (var raw in (names ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (raw)
            {
                case "TLSv1.3":
                    protocols |= SslProtocols.Tls13;
                    break;
                case "TLSv1.2":
                    protocols |= SslProtocols.Tls12;
                    break;
                default:
                    unknown.Add(raw);
                    break;
            }
        }

        if (unknown.Count > 0)
        {
            error = $"unsupported protocol(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; supported are TLSv1.3 and TLSv1.2";
            return false;
        }

        if (protocols == SslProtocols.None)
        {
            error = "at least one of TLSv1.3 and TLSv1.2 is required";
            return false;
        }

        return true;
    }
}
