namespace Warden.Cli;

/// <summary>A user error the CLI reports as one line and a non-zero exit code.</summary>
internal sealed class CliException(string message) : Exception(message);
