using System.Runtime.CompilerServices;

namespace Warden.Core.Pipelines.Expressions;

/// <summary>
/// Turns "this thread's stack is nearly exhausted" into a clean limit error before a recursive phase goes deeper,
/// so a small thread stack (or a generous <see cref="ExpressionLimits.MaxDepth"/>) can never crash the process.
/// </summary>
internal static class StackGuard
{
    public static void Ensure(SourcePosition at)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ExpressionException(ExpressionError.Create(
                ExpressionErrorKind.Limit, "expression is nested too deeply for this thread's stack", at));
        }
    }
}
