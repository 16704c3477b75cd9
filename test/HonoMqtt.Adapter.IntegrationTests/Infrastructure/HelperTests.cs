using FluentAssertions;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

public sealed class HelperTests
{
    [Test]
    public async Task EventuallyReturnsOnceTheConditionHolds()
    {
        var calls = 0;

        await Eventually.Until(() => ++calls == 3, TimeSpan.FromSeconds(5), "the third call");

        calls.Should().Be(3);
    }

    [Test]
    public async Task EventuallyFailsWithWhatItWaitedForAndTheLastError()
    {
        var act = () => Eventually.Until(
            async () =>
            {
                await Task.Yield();
                throw new InvalidOperationException("not there yet");
            },
            TimeSpan.FromMilliseconds(200),
            "the queue exists");

        (await act.Should().ThrowAsync<TimeoutException>())
            .WithMessage("*the queue exists*not there yet*")
            .WithInnerException<InvalidOperationException>();
    }

    [Test]
    public async Task FreePortsAreDistinctAndFree()
    {
        var ports = Enumerable.Range(0, 5).Select(_ => FreePort.Get()).ToList();

        ports.Should().OnlyHaveUniqueItems();
        foreach (var port in ports)
        {
            (await PortProbe.AcceptsTcpAsync(port)).Should().BeFalse($"nothing listens on {port}");
        }
    }

    [Test]
    public void TheWorkDirectoryIsTheConfiguredOneOrTmpInTheRepository()
    {
        File.Exists(Path.Combine(TestWork.RepositoryRoot, "HonoMqtt.sln")).Should().BeTrue();
        var configured = Environment.GetEnvironmentVariable(TestWork.EnvironmentVariable);
        TestWork.Directory.Should().Be(string.IsNullOrWhiteSpace(configured) ? Path.Combine(TestWork.RepositoryRoot, ".tmp") : Path.GetFullPath(configured));
        Directory.Exists(TestWork.Directory).Should().BeTrue();
    }

    [Test]
    public async Task AMissingProtonBrokerFailsWithTheCommandThatBuildsIt()
    {
        var missing = Path.Combine(TestWork.Directory, "no-such-dir", "broker");

        var act = () => ProtonBroker.StartAsync(missing, CancellationToken.None);

        (await act.Should().ThrowAsync<FileNotFoundException>()).WithMessage("*scripts/install-test-deps.sh*");
    }

    [Test]
    public async Task ChildProcessRunReportsATimeout()
    {
        var result = await ChildProcess.RunAsync("/bin/sleep", ["30"], TimeSpan.FromMilliseconds(300));

        result.TimedOut.Should().BeTrue();
        result.Succeeded.Should().BeFalse();
    }
}
