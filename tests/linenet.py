"""Line networks for multi-hop routing tests."""

# A gateway at x = 0 and devices every 80 m along a line: with path-loss exponent 2.7 and no
# shadowing a 0 dBm radio reaches about 110 m, so device k is k hops away from the gateway.
LINE_NED = """
import qcity.gateway.Gateway;
import qcity.iot.ControlCenter;
import qcity.iot.IotDevice;
import qcity.radio.RadioMedium;

network Line
{
    parameters:
        int n = default(4);
    submodules:
        radioMedium: RadioMedium;
        controlCenter: ControlCenter;
        gateway: Gateway { x = 0m; y = 0m; multiHop = true; }
        device[n]: IotDevice { x = (index + 1) * 80m; y = 0m; multiHop = true; }
    connections:
        gateway.backhaul <--> { datarate = 10Mbps; delay = 2ms; } <--> controlCenter.port++;
}
"""

LINE_INI = """
[General]
network = Line
sim-time-limit = 40s
**.vector-recording = false
**.radioMedium.pathLossExponent = 2.7
**.radioMedium.shadowingStdDev = 0
**.app.sendInterval = exponential(1s)
**.energy.capacity = 100J
"""

# The same with every other device 60 m off the line: most devices then have two
# candidates closer to the gateway, so routing policies have choices to make.
STAGGERED_LINE_NED = LINE_NED.replace("80m; y = 0m;", "80m; y = (index % 2) * 60m;")
