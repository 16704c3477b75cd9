namespace HonoMqtt.Adapter.Registry;

/// <summary>A Hono credentials object: (type, auth-id) is unique per tenant.</summary>
public sealed record CredentialsInfo(string DeviceId, string Type, string AuthId, bool Enabled, IReadOnlyList<SecretInfo> Secrets)
{
    public const string HashedPassword = "hashed-password";
    public const string X509Certificate = "x509-cert";

    /// <summary>Secrets that are enabled and valid now; bounds are strict and an absent bound is open [CredentialsObject].</summary>
    public IEnumerable<SecretInfo> CandidateSecrets(DateTimeOffset now) =>
        Secrets.Where(s => s.Enabled && (s.NotBefore is not { } nb || nb < now) && (s.NotAfter is not { } na || now < na));
}
