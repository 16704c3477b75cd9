// hono-mqtt-cli: tools for trying the adapter as a business application would use it.
using HonoMqtt.Cli;

var usage = ConsumeOptions.Usage + Environment.NewLine + SendCommandOptions.Usage;
if (args is ["--help" or "-h" or "help", ..])
{
    Console.WriteLine(usage);
    return 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let the command close its connection
    stop.Cancel();
};

switch (args)
{
    case ["consume", .. var rest]:
        if (!ConsumeOptions.TryParse(rest, out var consume, out var consumeError))
        {
            return UsageError(consumeError, ConsumeOptions.Usage);
        }

        return await new ConsumeCommand(consume, Console.Out, Console.Error).RunAsync(stop.Token);
    case ["command", .. var rest]:
        if (!SendCommandOptions.TryParse(rest, out var command, out var commandError))
        {
            return UsageError(commandError, SendCommandOptions.Usage);
        }

        return await new SendCommandCommand(command, Console.Out, Console.Error).RunAsync(stop.Token);
    default:
        return UsageError(args.Length == 0 ? "missing command" : $"unknown command '{args[0]}'", usage);
}

static int UsageError(string error, string usage)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(usage);
    return 2;
}
