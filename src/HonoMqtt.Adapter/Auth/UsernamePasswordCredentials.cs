using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// <c>hashed-password</c> credentials taken from the CONNECT user name and password (spec mqtt-adapter.md §2.2(c);
/// Hono <c>UsernamePasswordAuthProvider.getCredentials</c> and <c>UsernamePasswordCredentials.create</c>).
/// </summary>
/// <param name="AuthId">The part of the user name before the first <c>@</c>.</param>
/// <param name="TenantId">The part after the first <c>@</c> (may itself contain <c>@</c>).</param>
/// <param name="Password">The password to verify.</param>
public sealed record UsernamePasswordCredentials(string AuthId, string TenantId, string Password)
{
    /// <summary>
    /// Parses CONNECT credentials: <c>auth-id@tenant</c> plus password, or, if the password is empty, a user name
    /// that is the base64 encoding of <c>auth-id@tenant:password</c>.
    /// </summary>
    /// <returns><c>false</c> (Hono: 401) if user name or password is missing, the user name has no <c>@</c> or an
    /// empty auth-id or tenant, or the base64 form does not decode or has no <c>:</c>.</returns>
    public static bool TryParse(string? username, byte[]? password, [NotNullWhen(true)] out UsernamePasswordCredentials? credentials)
    {
        credentials = null;
        if (username is null || password is null)
        {
            return false;
        }

        // vert.x-mqtt turns the password bytes into a String as UTF-8; malformed bytes become U+FFFD.
        var passwordText = Encoding.UTF8.GetString(password);
        if (passwordText.Length > 0)
        {
            return TryCreate(username, passwordText, out credentials);
        }

        // UsernamePasswordAuthProvider.tryGetCredentialsEncodedInUsername.
        if (!JavaBase64.TryDecode(username, out var decodedBytes))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(decodedBytes);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && TryCreate(decoded[..colon], decoded[(colon + 1)..], out credentials);
    }

    // Keeps the password out of logs: the compiler-generated ToString would print it.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AuthId = ").Append(AuthId).Append(", TenantId = ").Append(TenantId);
        return true;
    }

    private static bool TryCreate(string username, string password, [NotNullWhen(true)] out UsernamePasswordCredentials? credentials)
    {
        credentials = null;

        // Java's username.split("@", 2). Hono would accept "a@" or "@t" with an empty part and then fail the
        // credentials lookup (401); rejecting here yields the same CONNACK without a registry round trip.
        var at = username.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == username.Length - 1)
        {
            return false;
        }

        credentials = new UsernamePasswordCredentials(username[..at], username[(at + 1)..], password);
        return true;
    }
}
