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
    private (DateTime Modified, long Length, string? Target) _loadedStamp;
    private (DateTime Modified, long Length, string? Target) _failedStamp;

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
        (DateTime, long, string?) stamp;
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

    /// <summary>
    /// What tells a changed file: its time and size (of the file a symlink leads to), and where the symlinks lead. A
    /// Kubernetes ConfigMap or Secret volume updates by swapping its <c>..data</c> link to a new directory, which can
    /// hold a file of the same size and time.
    /// </summary>
    private (DateTime, long, string?) Stamp()
    {
        var info = new FileInfo(_path);
        if (!info.Exists)
        {
            throw new FileNotFoundException("registry file is missing", _path);
        }

        var target = info.LinkTarget is null ? null : FinalTarget(_path);
        return (info.LastWriteTimeUtc, info.Length, target);
    }

    /// <summary>The real path behind every symlink on the way, directories included (like <c>realpath</c>).</summary>
    private static string FinalTarget(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var resolvedDirectory = new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? directory;
        var file = new FileInfo(Path.Combine(resolvedDirectory, Path.GetFileName(path)));
        if (file.ResolveLinkTarget(returnFinalTarget: false) is not { } next)
        {
            return file.FullName;
        }

        return FinalTarget(next.FullName);
    }

    [LoggerMessage(1, LogLevel.Information, "Registry loaded from {Path}: {Tenants} tenants, {Devices} devices")]
    private partial void LogLoaded(string path, int tenants, int devices);

    [LoggerMessage(2, LogLevel.Warning, "Registry file {Path} not reloaded, keeping the last good registry: {Reason}")]
    private partial void LogReloadFailed(string path, string reason);
}
