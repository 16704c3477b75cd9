using HonoMqtt.Adapter.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Registry;

/// <summary>
/// The registry kept in one JSON file, checked for changes every <c>reloadInterval</c> and swapped as a whole.
/// A file that cannot be read or parsed keeps the last good registry in force, and the reason is logged.
/// </summary>
public sealed partial class FileDeviceRegistry : BackgroundService, IDeviceRegistry, ITrustedCaRegistry
{
    private readonly string _path;
    private readonly TimeSpan _interval;
    private readonly ILogger<FileDeviceRegistry> _logger;
    private volatile RegistrySnapshot _current;
    private (DateTime Modified, long Length) _loadedStamp;
    private (DateTime Modified, long Length) _failedStamp;

    public FileDeviceRegistry(RegistryOptions options, ILogger<FileDeviceRegistry> logger)
    {
        _logger = logger;
        _interval = TimeSpan.FromMilliseconds(options.ReloadInterval);
        _path = options.UsesDemoRegistry ? Path.Combine(AppContext.BaseDirectory, "demo-registry.json") : Path.GetFullPath(options.Path!);
        UsesDemoRegistry = options.UsesDemoRegistry;

        // The first load is strict: an adapter must not start with a registry it cannot read.
        _loadedStamp = Stamp();
        _current = RegistryFileParser.Parse(File.ReadAllText(_path));
        LogLoaded(_path, _current.TenantCount, _current.DeviceCount);
    }

    public bool UsesDemoRegistry { get; }

    /// <summary>Raised after a changed file has been loaded.</summary>
    public event Action<RegistrySnapshot>? Reloaded;

    public RegistrySnapshot Current => _current;

    public ValueTask<TenantInfo?> GetTenantAsync(string tenantId, CancellationToken cancellationToken) => new(_current.GetTenant(tenantId));

    public ValueTask<CredentialsInfo?> GetCredentialsAsync(string tenantId, string type, string authId, CancellationToken cancellationToken) =>
        new(_current.GetCredentials(tenantId, type, authId));

    public ValueTask<AssertionResult> AssertRegistrationAsync(string tenantId, string deviceId, string? gatewayId, CancellationToken cancellationToken) =>
        new(_current.AssertRegistration(tenantId, deviceId, gatewayId));

    public ValueTask<TenantInfo?> GetTenantByTrustedCaAsync(Auth.DistinguishedName subjectDn, CancellationToken cancellationToken) =>
        new(_current.GetTenantByTrustedCa(subjectDn));

    public ValueTask<TenantInfo?> GetTenantByIdOrAliasAsync(string idOrAlias, CancellationToken cancellationToken) =>
        new(_current.GetTenantByIdOrAlias(idOrAlias));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            ReloadIfChanged();
        }
    }

    /// <summary>Loads the file if it changed since the last attempt; returns true if a new registry is in force.</summary>
    public bool ReloadIfChanged()
    {
        (DateTime, long) stamp;
        try
        {
            stamp = Stamp();
        }
        catch (IOException e)
        {
            LogReloadFailed(_path, e.Message);
            return false;
        }

        if (stamp == _loadedStamp || stamp == _failedStamp)
        {
            return false;
        }

        try
        {
            var snapshot = RegistryFileParser.Parse(File.ReadAllText(_path));
            _current = snapshot;
            _loadedStamp = stamp;
            LogLoaded(_path, snapshot.TenantCount, snapshot.DeviceCount);
            Reloaded?.Invoke(snapshot);
            return true;
        }
        catch (Exception e) when (e is RegistryFormatException or IOException or UnauthorizedAccessException)
        {
            _failedStamp = stamp;
            LogReloadFailed(_path, e.Message);
            return false;
        }
    }

    private (DateTime, long) Stamp()
    {
        var info = new FileInfo(_path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : throw new FileNotFoundException("registry file is missing", _path);
    }

    [LoggerMessage(1, LogLevel.Information, "Registry loaded from {Path}: {Tenants} tenants, {Devices} devices")]
    private partial void LogLoaded(string path, int tenants, int devices);

    [LoggerMessage(2, LogLevel.Warning, "Registry file {Path} not reloaded, keeping the last good registry: {Reason}")]
    private partial void LogReloadFailed(string path, string reason);
}
