namespace HonoMqtt.Adapter.Auth;

/// <summary>An authenticated device (or gateway): the credentials' tenant and device id, and the auth-id it used.</summary>
public sealed record DeviceIdentity(string TenantId, string DeviceId, string AuthId);
