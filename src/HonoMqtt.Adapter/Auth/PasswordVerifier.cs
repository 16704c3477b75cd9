using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Matching a password against one <c>hashed-password</c> secret (spec registry-and-limits.md §5.2; Hono
/// <c>SpringBasedHonoPasswordEncoder.matches</c>, <c>MessageDigestPasswordEncoder</c>, <c>EncodedPassword</c>).
/// Pure and CPU-bound: bcrypt is deliberately slow, so callers run it off the I/O path.
/// </summary>
public static class PasswordVerifier
{
    public const string Sha256 = "sha-256";
    public const string Sha512 = "sha-512";
    public const string Bcrypt = "bcrypt";

    private const int PlainPasswordSaltLength = 16;

    // Spring Security's BCryptPasswordEncoder.BCRYPT_PATTERN, matched in full; [0-9] because .NET's \d is Unicode.
    private static readonly Regex BcryptPattern = new(
        @"^\$2(a|y|b)?\$[0-9][0-9]\$[./0-9A-Za-z]{53}\z",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

    /// <summary>
    /// Whether <paramref name="password"/> matches the secret.
    /// </summary>
    /// <param name="hashFunction">The secret's <c>hash-function</c>; <c>null</c> means <c>sha-256</c>. Names are
    /// compared exactly (Hono looks them up in a map); any name other than <c>sha-256</c>/<c>sha-512</c> uses bcrypt.</param>
    /// <param name="pwdHash">The secret's <c>pwd-hash</c>: base64 digest, or the full bcrypt string.</param>
    /// <param name="salt">The secret's base64 <c>salt</c>, or <c>null</c>.</param>
    /// <param name="password">The password the device presented.</param>
    /// <returns><c>false</c> for a mismatch and for every malformed input; never throws for bad data.</returns>
    public static bool Matches(string? hashFunction, string pwdHash, string? salt, string password)
    {
        ArgumentNullException.ThrowIfNull(pwdHash);
        ArgumentNullException.ThrowIfNull(password);

        // EncodedPassword.fromHonoSecret decodes the salt first, whatever the hash function.
        byte[]? saltBytes = null;
        if (salt is not null && !JavaBase64.TryDecode(salt, out saltBytes))
        {
            return false;
        }

        return (hashFunction ?? Sha256) switch
        {
            Sha256 => DigestMatches(HashAlgorithmName.SHA256, pwdHash, saltBytes, password),
            Sha512 => DigestMatches(HashAlgorithmName.SHA512, pwdHash, saltBytes, password),

            // Hono prepends a salt as "{salt}", which no bcrypt string starts with: a bcrypt secret with a salt
            // member never matches.
            _ => saltBytes is null && BcryptMatches(pwdHash, password),
        };
    }

    /// <summary>
    /// Hashes a registry <c>pwd-plain</c> entry so that the plain text need not be kept: <c>sha-512</c> over a fresh
    /// 16-byte random salt followed by the UTF-8 password, everything base64 encoded.
    /// (Hono's registry uses bcrypt here; both verify the same way through <see cref="Matches"/>.)
    /// </summary>
    public static (string HashFunction, string PwdHash, string Salt) HashPlainPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(PlainPasswordSaltLength);
        var digest = Digest(HashAlgorithmName.SHA512, salt, password);
        return (Sha512, Convert.ToBase64String(digest), Convert.ToBase64String(salt));
    }

    private static bool DigestMatches(HashAlgorithmName algorithm, string pwdHash, byte[]? salt, string password)
    {
        // Hono formats the secret as "{salt}hash" and parses it back (EncodedPassword), so a salt-less pwd-hash of
        // the form "{salt}hash" carries its own salt.
        var hashPart = pwdHash;
        if (salt is null && pwdHash.StartsWith('{'))
        {
            var end = pwdHash.IndexOf('}', StringComparison.Ordinal);
            if (end > 0)
            {
                if (!JavaBase64.TryDecode(pwdHash[1..end], out salt))
                {
                    return false;
                }

                hashPart = pwdHash[(end + 1)..];
            }
        }

        if (!JavaBase64.TryDecode(hashPart, out var expected))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Digest(algorithm, salt, password), expected);
    }

    private static byte[] Digest(HashAlgorithmName algorithm, byte[]? salt, string password)
    {
        using var hash = IncrementalHash.CreateHash(algorithm);
        if (salt is not null)
        {
            hash.AppendData(salt);
        }

        hash.AppendData(Encoding.UTF8.GetBytes(password));
        return hash.GetHashAndReset();
    }

    private static bool BcryptMatches(string pwdHash, string password)
    {
        // Spring's BCryptPasswordEncoder.matches refuses anything not shaped like a bcrypt string (so no "$2x$").
        if (!BcryptPattern.IsMatch(pwdHash))
        {
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, pwdHash);
        }
        catch (Exception e) when (e is BCrypt.Net.SaltParseException or ArgumentException)
        {
            // E.g. a cost outside 4..31: jBCrypt throws IllegalArgumentException, which Hono maps to "no match".
            return false;
        }
    }
}
