namespace HonoMqtt.Adapter.Registry;

/// <summary>One secret of a credentials object. For passwords, only hashes are kept (plain ones are hashed at load).</summary>
public sealed record SecretInfo(bool Enabled, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, string? HashFunction, string? PwdHash, string? Salt);
