using System.Runtime.InteropServices;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Registry;

/// <summary>
/// The registry file mounted from a Kubernetes ConfigMap or Secret: the kubelet never rewrites the file, it writes a new
/// timestamped directory and swaps the <c>..data</c> symlink atomically; <c>registry.json</c> is a symlink through it.
/// </summary>
public sealed class ConfigMapReloadTests
{
    [Test]
    public async Task ARegistryUpdatedBySwappingTheConfigMapSymlinkIsReloaded()
    {
        var volume = Directory.CreateTempSubdirectory("hono-mqtt-configmap-");
        var original = TestRegistry.Simple();
        var changed = original.Replace($"\"pwd-plain\": \"{TestRegistry.Password}\"", "\"pwd-plain\": \"pw2\"");
        changed.Length.Should().Be(original.Length, "the same size, so that only the swap can tell the files apart");
        WriteVersion(volume.FullName, "..2026_01_01_00_00_00.000000001", original);
        File.CreateSymbolicLink(Path.Combine(volume.FullName, "registry.json"), Path.Combine("..data", "registry.json"));
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:registry:path"] = Path.Combine(volume.FullName, "registry.json"),
            ["hono:connectionEvents:producer"] = "none",
        });
        (await ConnectAsync(adapter, TestRegistry.Password)).Should().Be(MqttClientConnectResultCode.Success);
        var registry = adapter.Services.GetRequiredService<FileDeviceRegistry>();
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.Reloaded += _ => reloaded.TrySetResult();

        // The new version carries the old one's modification time: only the symlink swap differs.
        var old = Path.Combine(volume.FullName, "..2026_01_01_00_00_00.000000001");
        WriteVersion(volume.FullName, "..2026_01_01_00_01_00.000000002", changed, File.GetLastWriteTimeUtc(Path.Combine(old, "registry.json")));
        Directory.Delete(old, recursive: true);
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(5));

        (await ConnectAsync(adapter, "pw2")).Should().Be(MqttClientConnectResultCode.Success);
        (await ConnectAsync(adapter, TestRegistry.Password)).Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
    }

    /// <summary>What the kubelet's atomic writer does: write the new version's directory, then rename a new <c>..data</c> link over the old.</summary>
    private static void WriteVersion(string volume, string version, string registryJson, DateTime? modified = null)
    {
        var directory = Directory.CreateDirectory(Path.Combine(volume, version));
        var file = Path.Combine(directory.FullName, "registry.json");
        File.WriteAllText(file, registryJson);
        if (modified is { } time)
        {
            File.SetLastWriteTimeUtc(file, time);
        }

        var temporary = Path.Combine(volume, "..data_tmp");
        File.CreateSymbolicLink(temporary, version);
        // rename(2) replaces the old link atomically; File.Move would follow the link to the directory.
        if (Rename(temporary, Path.Combine(volume, "..data")) != 0)
        {
            throw new IOException($"rename failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    private static async Task<MqttClientConnectResultCode> ConnectAsync(RunningAdapter adapter, string password)
    {
        var (client, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, TestRegistry.Username, password));
        client.Dispose();
        return result.ResultCode;
    }
}
