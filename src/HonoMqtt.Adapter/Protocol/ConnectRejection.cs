namespace HonoMqtt.Adapter.Protocol;

/// <summary>Why a CONNECT is refused; each maps to one row of the CONNACK table (<see cref="ConnackTable"/>).</summary>
public enum ConnectRejection
{
    /// <summary>The adapter instance's connection limit is reached (checked before authentication).</summary>
    AdapterConnectionsExceeded,

    /// <summary>No/malformed credentials, unknown tenant or auth-id, wrong password, disabled credentials (401/404).</summary>
    BadCredentials,

    /// <summary>Tenant disabled (403).</summary>
    TenantDisabled,

    /// <summary>The MQTT adapter is disabled for the tenant (403).</summary>
    AdapterDisabled,

    /// <summary>The authenticated device is not registered or disabled.</summary>
    RegistrationAssertionFailed,

    /// <summary>The tenant's <c>max-connections</c> is reached.</summary>
    TenantConnectionsExceeded,

    /// <summary>The tenant's connection-duration limit is exceeded.</summary>
    ConnectionDurationExceeded,

    /// <summary>The tenant's data-volume limit is exceeded.</summary>
    DataVolumeExceeded,

    /// <summary>Registry or messaging network unavailable (503), or the "connected" event could not be sent.</summary>
    ServiceUnavailable,

    /// <summary>Any other service error status (e.g. 400, 500).</summary>
    OtherServiceError,

    /// <summary>An unexpected failure that is not a service error.</summary>
    Unexpected,

    /// <summary>The client identifier is in use by another device (see docs/compatibility.md), or otherwise unusable.</summary>
    ClientIdentifierNotValid,

    /// <summary>MQTT 3.1 (protocol level 3) and other versions but 3.1.1 and 5.0.</summary>
    UnsupportedProtocolVersion,
}
