namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>
/// The directory for everything the integration tests create on disk (broker builds, broker state, logs):
/// <c>$HONOMQTT_TEST_WORK</c>, or <c>&lt;repository root&gt;/.tmp</c> as <c>scripts/test.sh</c> uses it.
/// </summary>
public static class TestWork
{
    public const string EnvironmentVariable = "HONOMQTT_TEST_WORK";

    private static readonly Lazy<string> Root = new(FindRepositoryRoot);
    private static readonly Lazy<string> Work = new(FindWorkDirectory);

    /// <summary>The directory holding <c>HonoMqtt.sln</c>, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The work directory (created if missing).</summary>
    public static string Directory => Work.Value;

    /// <summary>A new, empty directory <c>&lt;work&gt;/&lt;category&gt;/&lt;unique name&gt;</c>.</summary>
    public static string CreateUniqueDirectory(string category, string? name = null)
    {
        var unique = $"{name ?? category}-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var path = Path.Combine(Directory, category, unique);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    private static string FindWorkDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var path = string.IsNullOrWhiteSpace(configured) ? Path.Combine(RepositoryRoot, ".tmp") : Path.GetFullPath(configured);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HonoMqtt.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"found no HonoMqtt.sln in {AppContext.BaseDirectory} or above; set {EnvironmentVariable} to the test work directory");
    }
}
