using System.Security.Cryptography;
using System.Text;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Caching.Memory;

namespace HonoMqtt.Adapter.Auth;

/// <summary>
/// Keeps expensive password checks (bcrypt costs ~0.1 s of CPU at cost 10) from swamping the adapter during a
/// reconnect storm: at most <c>passwordCheckConcurrency</c> run at once, the rest queue for at most
/// <c>passwordCheckQueueTimeout</c>; and a verified (secret, password) pair is remembered, so that a device
/// reconnecting with the same password costs a hash lookup. The cache key is an HMAC over the secret's hash, salt
/// and function and the password, under a random per-process key: a changed secret no longer matches, and no
/// password (nor anything a password could be recovered from without that key) is stored.
/// </summary>
public sealed class PasswordCheckGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _queueTimeout;
    private readonly MemoryCache? _verified;
    private readonly TimeSpan _cacheTimeout;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private readonly Func<string, string, string?, string, bool> _verify;

    public PasswordCheckGate(MqttAdapterOptions options)
        : this(options, PasswordVerifier.Matches)
    {
    }

    /// <summary>With the function that checks an expensive secret (tests pass one they control).</summary>
    internal PasswordCheckGate(MqttAdapterOptions options, Func<string, string, string?, string, bool> verify)
    {
        _verify = verify;
        // By default one core stays free for the devices already connected (docs/benchmarks-storm.md).
        var concurrency = options.PasswordCheckConcurrency > 0 ? options.PasswordCheckConcurrency : Math.Max(1, Environment.ProcessorCount - 1);
        _slots = new SemaphoreSlim(concurrency, concurrency);
        _queueTimeout = TimeSpan.FromMilliseconds(options.PasswordCheckQueueTimeout);
        _cacheTimeout = TimeSpan.FromMilliseconds(options.VerifiedCredentialsCacheTimeout);
        if (options.VerifiedCredentialsCacheSize > 0)
        {
            _verified = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.VerifiedCredentialsCacheSize });
        }
    }

    /// <summary>True if the password matches; null if no check slot became free within the queue timeout.</summary>
    public async ValueTask<bool?> MatchesAsync(string tenantId, string authId, SecretInfo secret, string password, CancellationToken cancellationToken)
    {
        var function = secret.HashFunction ?? PasswordVerifier.Sha256;
        if (function is PasswordVerifier.Sha256 or PasswordVerifier.Sha512)
        {
            return PasswordVerifier.Matches(function, secret.PwdHash!, secret.Salt, password);
        }

        var key = _verified is null ? null : CacheKey(tenantId, authId, function, secret, password);
        if (key is not null && _verified!.TryGetValue(key, out _))
        {
            return true;
        }

        if (!await _slots.WaitAsync(_queueTimeout, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        bool matches;
        try
        {
            // Off the MQTT receive loop, as Hono runs it off the event loop.
            matches = await Task.Run(() => _verify(function, secret.PwdHash!, secret.Salt, password), cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }

        if (matches && key is not null)
        {
            _verified!.Set(key, true, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = _cacheTimeout });
        }

        return matches;
    }

    public void Dispose()
    {
        _slots.Dispose();
        _verified?.Dispose();
    }

    private string CacheKey(string tenantId, string authId, string function, SecretInfo secret, string password)
    {
        var material = Encoding.UTF8.GetBytes(string.Join('\0', tenantId, authId, function, secret.PwdHash, secret.Salt ?? string.Empty, password));
        try
        {
            return Convert.ToBase64String(HMACSHA256.HashData(_key, material));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }
}
