import Testing
@testable import LetterCLI
import LetterCore

/// The engine's endpoint errors as the command line words them.
@Suite struct EndpointsTests {
    @Test func badPortsAreNamed() {
        for bad in ["70000", "abc", "", "-1", "+5", "99999999999999999999", "1.5", " 80", "0"] {
            #expect(throws: UsageError("invalid port '\(bad)': expected a number from 1 to 65535")) {
                try parsingEndpoint { () throws(EndpointError) in try parsePort(bad, allowZero: false) }
            }
        }
    }

    @Test func badAddressesAreNamed() {
        #expect(throws: UsageError("invalid address '[::1': missing ']'")) {
            try parsingEndpoint { () throws(EndpointError) in try splitHostPort("[::1", allowZeroPort: false) }
        }
        #expect(throws: UsageError("invalid address '[::1]': expected [IPv6]:PORT")) {
            try parsingEndpoint { () throws(EndpointError) in try splitHostPort("[::1]", allowZeroPort: false) }
        }
        #expect(throws: UsageError("invalid port 'x': expected a number from 1 to 65535")) {
            try parsingEndpoint { () throws(EndpointError) in try splitHostPort("h:x", allowZeroPort: false) }
        }
        #expect(throws: UsageError("invalid bind address 'here': expected [HOST:]PORT, PATH or @NAME")) {
            try parsingEndpoint { () throws(EndpointError) in try parseBindAddress("here") }
        }
    }
}
