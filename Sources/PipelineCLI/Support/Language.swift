import Foundation
import Pipeline
import Stages

/// The language of everything `suiji` prints for people: `--lang zh|en` (any command, taken off the
/// arguments before they are parsed), else `[ui] language` of the configuration in force (`--config`,
/// else ./suiji.toml), else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `zh…` is Chinese), else English.
enum Language {
    /// The arguments without `--lang VALUE` / `--lang=VALUE`, and the value given (nil: none).
    static func split(_ arguments: [String]) -> (arguments: [String], lang: String?) {
        var rest: [String] = []
        var lang: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--lang", index + 1 < arguments.count {
                lang = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--lang=") {
                lang = String(argument.dropFirst("--lang=".count))
            } else {
                rest.append(argument)
            }
            index += 1
        }
        return (rest, lang)
    }

    /// This process's arguments, the program's name left out.
    static let arguments = Array(CommandLine.arguments.dropFirst())

    /// The value of `--config` among the arguments, if given.
    static func configArgument(_ arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--config", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
        }
        return nil
    }

    /// The language in force for this process (a `--lang` that is not zh or en is refused in `Suiji.main`).
    static let inForce: UILanguage = {
        let (_, lang) = split(arguments)
        let configured = (try? GlobalOptions.processConfiguration.get())?.ui.language
        return UILanguage.resolve(
            option: lang.flatMap(UILanguage.init(rawValue:)), configured: configured, environment: ProcessInfo.processInfo.environment)
    }()

    /// The catalogue in the language in force.
    static let catalogue = MessageCatalogue(inForce)
}
