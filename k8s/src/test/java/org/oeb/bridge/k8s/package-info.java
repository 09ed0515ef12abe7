/** Offline checks of the Kustomize overlays, the alerts and the dashboard. */
package org.oeb.bridge.k8s;
