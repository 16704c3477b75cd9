// hono-mqtt-cli: tools for trying the adapter as a business application would use it.
using HonoMqtt.Cli;

if (args is ["--help" or "-h" or "help", ..])
{
    Console.WriteLine(ConsumeOptions.Usage);
    return 0;
}

if (args is not ["consume", .. var rest])
{
    Console.Error.WriteLine(args.Length == 0 ? "missing command" : $"unknown command '{args[0]}'");
    Console.Error.WriteLine(ConsumeOptions.Usage);
    return 2;
}

if (!ConsumeOptions.TryParse(rest, out var options, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(ConsumeOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let RunAsync close the connection
    stop.Cancel();
};
return await new ConsumeCommand(options, Console.Out, Console.Error).RunAsync(stop.Token);
