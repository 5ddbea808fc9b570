using Microsoft.Extensions.Options;

namespace Warden.Core.Retraining;

/// <summary>
/// Resolves the training CSV a policy or request names: relative names are looked up in each allowed root in turn, and
/// the resolved file must lie under one of <see cref="RetrainingOptions.DataRoots"/> or <c>&lt;DataDir&gt;/training</c>.
/// </summary>
public sealed class TrainingDataPaths
{
    private readonly string[] _roots;

    public TrainingDataPaths(IOptions<RetrainingOptions> options, IOptions<WardenOptions> warden)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(warden);
        _roots = options.Value.DataRoots.Append(Path.Combine(warden.Value.DataDir, "training"))
            .Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r)))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The allowed folders.</summary>
    public IReadOnlyList<string> Roots => _roots;

    /// <summary>The full path of an existing allowed file; throws 400 otherwise.</summary>
    public string Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw WardenException.BadRequest(
                $"no training data: set trainingData in the {RetrainPolicySettings.Kind} settings or in the request (a labelled CSV under {string.Join(" or ", _roots)})");
        }

        var candidates = Path.IsPathRooted(name) ? [Path.GetFullPath(name)] : _roots.Select(r => Path.GetFullPath(Path.Combine(r, name)));
        foreach (var path in candidates)
        {
            if (_roots.Any(r => path.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal)) && File.Exists(path))
            {
                return path;
            }
        }

        throw WardenException.BadRequest(
            $"training data '{name}' is not a file under an allowed folder ({string.Join(", ", _roots)}); add folders with Warden:Retraining:DataRoots");
    }
}
